import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createDataset, type DataRow } from './dataset.ts';
import { compilePredictor, evaluateModel, loadModel, predictProbability, stratifiedSplit, trainModel, type TrainedModel } from './model.ts';
import { SeededRandom } from '../../random.ts';
import { formatReport } from './report.ts';

/** Statlog German Credit (test/fixtures/credit/README.md): 1,000 applicants, 700 good payers. */
const germanRows = parse(fs.readFileSync('test/fixtures/credit/german-credit.csv', 'utf8'), { columns: true }) as DataRow[];
const german = createDataset(germanRows, { outcome: 'bom_pagador', ignore: ['id'] });

/** Rows with numbers, a category, missing values and a category level the model never saw. */
function mixedRows(n: number, seed: string): DataRow[] {
  const random = new SeededRandom(seed);
  const rows: DataRow[] = [];
  for (let i = 0; i < n; i++) {
    const dias = Math.floor(random.next() * 720);
    const valor = random.next() < 0.1 ? null : (random.next() * 5000).toFixed(2).replace('.', ',');
    const canal = ['whatsapp', 'sms', 'email', 'carta'][Math.floor(random.next() * 4)]!;
    const eta = 2 - dias / 150 + (canal === 'whatsapp' ? 0.8 : 0) + (valor === null ? -0.5 : 0) + (dias < 90 && canal === 'sms' ? 1 : 0);
    rows.push({ id: `D${i}`, dias, valor, canal, pagou: random.next() < 1 / (1 + Math.exp(-eta)) ? 'sim' : 'não' });
  }
  return rows;
}

describe('score models', () => {
  it('the holdout is stratified and seeded', () => {
    const y = new Uint8Array(1000).map((_, i) => (i % 10 < 3 ? 1 : 0));
    const a = stratifiedSplit(y, 0.3, new SeededRandom('s'));
    expect(a.test.length).toBe(300);
    expect(Array.from(a.test).filter((i) => y[i] === 1).length).toBe(90);
    expect(stratifiedSplit(y, 0.3, new SeededRandom('s'))).toEqual(a);
    expect(stratifiedSplit(y, 0.3, new SeededRandom('t')).test).not.toEqual(a.test);
  });

  it('German Credit: the logistic regression reaches the published holdout AUC (~0.75–0.80)', () => {
    const aucs = ['1', '2', '3', '4', '5'].map((seed) => trainModel(german, { kind: 'logistic', seed }).report.auc);
    for (const value of aucs) expect(value).toBeGreaterThan(0.7);
    expect(aucs.reduce((s, v) => s + v, 0) / aucs.length).toBeGreaterThan(0.75);
    const { report } = trainModel(german, { kind: 'auto', seed: 'recupera' });
    expect(report.auc).toBeGreaterThan(0.7);
    expect(report.training).toMatchObject({ trainRows: 700, holdoutRows: 300 });
    expect(report.positives).toBe(210);
    // The strongest signal of the published analyses: no checking account is good, an overdrawn one bad.
    const { weights } = trainModel(german, { kind: 'logistic', seed: 'recupera' }).report;
    if (weights.kind !== 'coefficients') throw new Error('expected coefficients');
    const weight = (f: string) => weights.items.find((i) => i.feature === f)!.weight;
    expect(weight('checking_status=no checking')).toBeGreaterThan(0.3);
    expect(weight('checking_status=<0')).toBeLessThan(-0.3);
  });

  for (const kind of ['logistic', 'gbm'] as const) {
    it(`${kind}: same seed, same model; JSON round trip and compilePredictor predict exactly as predictProbability`, () => {
      const dataset = createDataset(mixedRows(1500, 'mixed'), { outcome: 'pagou', ignore: ['id'] });
      const { model, report } = trainModel(dataset, { kind, seed: 42 });
      expect(model.kind).toBe(kind);
      expect(report.auc).toBeGreaterThan(0.7);
      expect(JSON.stringify(trainModel(dataset, { kind, seed: 42 }).model)).toBe(JSON.stringify(model));

      const loaded = loadModel(JSON.parse(JSON.stringify(model)));
      const predict = compilePredictor(loaded);
      const rows = [...mixedRows(300, 'other'), { dias: 10, valor: null, canal: 'telegrama' }, { dias: '30', canal: null }, {}];
      for (const row of rows) {
        const p = predictProbability(model, row);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
        expect(predictProbability(loaded, row)).toBe(p);
        expect(predict(row)).toBe(p);
      }
    });
  }

  it('evaluateModel on new data; a column the model reads must be there', () => {
    const { model } = trainModel(createDataset(mixedRows(1000, 'a'), { outcome: 'pagou', ignore: ['id'] }), { kind: 'logistic', seed: 1 });
    const report = evaluateModel(model, createDataset(mixedRows(500, 'b'), { outcome: 'pagou' }));
    expect(report.rows).toBe(500);
    expect(report.auc).toBeGreaterThan(0.7);
    expect(report.calibration.reduce((s, c) => s + c.count, 0)).toBe(500);
    const without = mixedRows(10, 'c').map(({ canal: _, ...rest }) => rest);
    expect(() => evaluateModel(model, createDataset(without, { outcome: 'pagou' }))).toThrow(/Colunas usadas pelo modelo ausentes no arquivo: canal/);
  });

  it('the report: metrics, bands, weights sorted by size with odds ratios, and as text in Portuguese', () => {
    const { report } = trainModel(createDataset(mixedRows(1000, 'r'), { outcome: 'pagou', ignore: ['id'] }), { kind: 'logistic', seed: 1 });
    expect(report.gini).toBeCloseTo(2 * report.auc - 1, 12);
    expect(report.ks.score).toBe(Math.round(1000 * report.ks.threshold));
    expect(report.calibration.map((c) => c.band)).toEqual(['A', 'B', 'C', 'D', 'E']);
    if (report.weights.kind !== 'coefficients') throw new Error('expected coefficients');
    const sizes = report.weights.items.map((i) => Math.abs(i.weight));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(report.weights.items[0]!.feature).toBe('dias');
    expect(report.weights.items[0]!.scale).toBe('sd');
    for (const i of report.weights.items) expect(i.oddsRatio).toBeCloseTo(Math.exp(i.weight), 12);
    const text = formatReport(report);
    for (const label of ['AUC', 'KS', 'Gini', 'Brier', 'Log loss', 'Calibração por faixa', 'Pesos', 'Razão de chances', '(intercepto)', 'valor__ausente']) expect(text).toContain(label);
    expect(text).toMatch(/AUC\s+0,\d{4}/);
  });

  it('refuses what cannot be trained, and model files that are not models', () => {
    const one = createDataset([{ a: 1, y: 1 }, { a: 2, y: 1 }], { outcome: 'y' });
    expect(() => trainModel(one, { kind: 'logistic' })).toThrow(/único valor/);
    const rows = mixedRows(200, 'h');
    expect(() => trainModel(createDataset(rows, { outcome: 'pagou' }), { holdout: 0.95 })).toThrow(/entre 0 e 0,9/);
    expect(() => trainModel(createDataset(rows, { outcome: 'pagou', features: ['id'] }), { kind: 'logistic' })).toThrow(/Nenhuma coluna pode ser usada.*"id" ignorada/);
    expect(() => loadModel({ format: 'outra-coisa' })).toThrow(/Arquivo de modelo inválido/);
    const { model } = trainModel(createDataset(rows, { outcome: 'pagou', ignore: ['id'] }), { kind: 'logistic', holdout: 0 });
    const broken = { ...model, parameters: { ...model.parameters, weights: [1] } } as TrainedModel;
    expect(() => loadModel(broken)).toThrow(/coeficientes incompletos/);
  });
});
