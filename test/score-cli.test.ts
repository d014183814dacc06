import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `recupera score …` as an analyst runs it: a CSV in, a report out, a model file written. */
function score(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/recupera.js', 'score', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-score-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const GERMAN = 'test/fixtures/credit/german-credit.csv';

describe('recupera score', () => {
  const modelFile = path.join(dir, 'modelo.json');

  it('train on the German Credit data: the holdout report in text, the model written', () => {
    const { code, stdout, stderr } = score(['train', GERMAN, '--outcome', 'bom_pagador', '--ignore', 'id', '--model', 'logistic', '--out', modelFile]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const model = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
    expect(model).toMatchObject({ format: 'recupera-score-model', kind: 'logistic', outcome: 'bom_pagador' });
    expect(model.encoder.features).toContain('checking_status=no checking');
    expect(stdout).toContain('Treino: 700 linhas; validação: 300 linhas');
    for (const label of ['AUC', 'KS', 'Gini', 'Brier', 'Calibração por faixa', 'Pesos', 'Razão de chances']) expect(stdout).toContain(label);
    expect(stdout).toMatch(/^\s+A\s+800–1000\s+\d+/m);
    expect(stdout).toContain(`Modelo gravado em ${modelFile}`);
    const auc = Number(/AUC\s+(\d,\d+)/.exec(stdout)![1]!.replace(',', '.'));
    expect(auc).toBeGreaterThan(0.7); // published: ~0.75–0.80 for a logistic regression
  });

  it('train --json with auto: both models compared on the holdout, the report as JSON', () => {
    const out = path.join(dir, 'auto.json');
    const { code, stdout } = score(['train', GERMAN, '--outcome', 'bom_pagador', '--ignore', 'id', '--seed', '7', '--holdout', '0,25', '--out', out, '--json']);
    expect(code).toBe(0);
    const { report, modelFile: written } = JSON.parse(stdout);
    expect(written).toBe(out);
    expect(report.training).toMatchObject({ trainRows: 750, holdoutRows: 250, seed: '7', selection: { chosen: expect.stringMatching(/^(logistic|gbm)$/) } });
    expect(report.auc).toBeGreaterThan(0.7);
    expect(report.gini).toBeCloseTo(2 * report.auc - 1, 10);
    expect(report.ks.value).toBeGreaterThan(0.3);
    expect(report.calibration).toHaveLength(5);
    expect(report.weights.items.length).toBeGreaterThan(20);
    expect(report.notes.join('\n')).toMatch(/escolha automática/);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).kind).toBe(report.training.selection.chosen);
  });

  it('evaluate: the saved model on a CSV (the outcome column is the model’s)', () => {
    const text = score(['evaluate', GERMAN, '--model', modelFile]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Avaliação: 1000 linhas, 700 positivas (taxa base 70,0%)');
    const { code, stdout } = score(['evaluate', GERMAN, '--model', modelFile, '--json']);
    expect(code).toBe(0);
    const { report } = JSON.parse(stdout);
    expect(report).toMatchObject({ rows: 1000, positives: 700 });
    expect(report.auc).toBeGreaterThan(0.75);
    expect(report.weights.kind).toBe('coefficients');
  });

  it('a bad outcome value: exit 2 and one line in Portuguese naming the line and the column (a latin1, ";" file)', () => {
    const file = path.join(dir, 'ruim.csv');
    fs.writeFileSync(file, Buffer.from('região;dias;pagou\nSão Paulo;10;sim\nBahia;200;não\nCeará;35;talvez\n', 'latin1'));
    const { code, stderr, stdout } = score(['train', file, '--outcome', 'pagou', '--out', path.join(dir, 'nunca.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('erro: Linha 4, coluna pagou: valor "talvez" não é um resultado reconhecido (use 1/0, sim/não, true/false ou yes/no, ou indique qual valor conta como positivo com --positive).\n');
    expect(fs.existsSync(path.join(dir, 'nunca.json'))).toBe(false);
  });

  it('other refusals: an unknown outcome column, a missing model file, a ragged CSV', () => {
    const unknown = score(['train', GERMAN, '--outcome', 'inadimplente']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^erro: A coluna de resultado "inadimplente" não está no arquivo/);
    const missing = score(['evaluate', GERMAN, '--model', path.join(dir, 'nao-existe.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Arquivo de modelo .* não encontrado/);
    const ragged = path.join(dir, 'torto.csv');
    fs.writeFileSync(ragged, 'a,b,y\n1,2,1\n3,4\n');
    const result = score(['train', ragged, '--outcome', 'y']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/linha 3: número de colunas diferente do cabeçalho/);
  });
});
