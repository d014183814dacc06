import { describe, expect, it } from 'vitest';
import { createDataset, type DataRow } from './dataset.ts';
import { binCuts, compiledRawScore, compileTrees, fitGbm, gbmRawScore, logLossDerivatives, rowLogLoss } from './gbm.ts';
import { trainModel } from './model.ts';
import { SeededRandom } from '../../random.ts';

/** Two features; the outcome depends on their interaction only (an XOR), or on a linear score. */
function syntheticRows(kind: 'xor' | 'linear', n: number, seed: string): DataRow[] {
  const random = new SeededRandom(seed);
  const rows: DataRow[] = [];
  for (let i = 0; i < n; i++) {
    const a = random.next() * 2 - 1;
    const b = random.next() * 2 - 1;
    const c = random.next() * 2 - 1;
    const eta = kind === 'xor' ? (a * b > 0 ? 2 : -2) : 1.5 * a - 1 * b + 0.5 * c;
    rows.push({ a, b, c, y: random.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0 });
  }
  return rows;
}

describe('gradient-boosted trees', () => {
  it('the log-loss gradient and hessian match finite differences', () => {
    for (const y of [0, 1]) {
      for (const f of [-6, -2, -0.3, 0, 0.7, 3, 8]) {
        const h = 1e-5;
        const { gradient, hessian } = logLossDerivatives(f, y);
        expect(gradient).toBeCloseTo((rowLogLoss(f + h, y) - rowLogLoss(f - h, y)) / (2 * h), 8);
        const numericHessian = (logLossDerivatives(f + h, y).gradient - logLossDerivatives(f - h, y).gradient) / (2 * h);
        expect(hessian).toBeCloseTo(numericHessian, 8);
        expect(hessian).toBeCloseTo((rowLogLoss(f + h, y) - 2 * rowLogLoss(f, y) + rowLogLoss(f - h, y)) / (h * h), 4);
      }
    }
  });

  it('bins: at most 64 per feature, cut at the training quantiles; few distinct values are cut between each', () => {
    const random = new SeededRandom('bins');
    const n = 5000;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[i * 2] = random.next();
      x[i * 2 + 1] = Math.floor(random.next() * 5);
    }
    const [continuous, discrete] = binCuts(x, n, 2);
    expect(continuous!.length).toBeLessThanOrEqual(63);
    expect(continuous!.length).toBeGreaterThan(55);
    expect(continuous![31]).toBeCloseTo(0.5, 1); // the median, near enough
    expect(Array.from(discrete!)).toEqual([0, 1, 2, 3]);
  });

  it('beats the logistic regression on an XOR interaction', () => {
    const dataset = createDataset(syntheticRows('xor', 3000, 'xor'), { outcome: 'y' });
    const gbm = trainModel(dataset, { kind: 'gbm', seed: 'x' }).report;
    const logistic = trainModel(dataset, { kind: 'logistic', seed: 'x' }).report;
    expect(gbm.auc).toBeGreaterThan(0.8);
    expect(logistic.auc).toBeLessThan(0.6);
    const auto = trainModel(dataset, { kind: 'auto', seed: 'x' });
    expect(auto.model.kind).toBe('gbm');
    expect(auto.report.training?.selection).toMatchObject({ chosen: 'gbm' });
    expect(auto.report.notes.join('\n')).toMatch(/árvores .* superam/);
    // Importance goes to the two features of the interaction
    if (gbm.weights.kind !== 'importance') throw new Error('expected importance');
    expect(gbm.weights.items.slice(0, 2).map((i) => i.feature).sort()).toEqual(['a', 'b']);
    expect(gbm.weights.items.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 12);
  });

  it('roughly matches the logistic regression on a linear problem (and auto keeps the logistic)', () => {
    const dataset = createDataset(syntheticRows('linear', 3000, 'linear'), { outcome: 'y' });
    const gbm = trainModel(dataset, { kind: 'gbm', seed: 'l' }).report;
    const logistic = trainModel(dataset, { kind: 'logistic', seed: 'l' }).report;
    expect(logistic.auc).toBeGreaterThan(0.75);
    expect(Math.abs(gbm.auc - logistic.auc)).toBeLessThan(0.03);
    expect(trainModel(dataset, { kind: 'auto', seed: 'l' }).model.kind).toBe('logistic');
  });

  it('is deterministic for a seed, and the seed matters (row subsampling)', () => {
    const random = new SeededRandom('det');
    const n = 1500;
    const x = new Float64Array(n * 3);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) x[i * 3 + j] = random.next();
      y[i] = random.next() < x[i * 3]! ? 1 : 0;
    }
    const one = fitGbm(x, y, { seed: 's', trees: 30 });
    expect(fitGbm(x, y, { seed: 's', trees: 30 })).toEqual(one);
    expect(fitGbm(x, y, { seed: 'other', trees: 30 }).value).not.toEqual(one.value);
  });

  it('early stopping keeps the trees up to the best validation loss; typed-array scoring equals the plain one', () => {
    const random = new SeededRandom('noise');
    const n = 2000;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = random.next();
      x[i * 2 + 1] = random.next();
      y[i] = random.next() < 0.3 + 0.3 * x[i * 2]! ? 1 : 0;
    }
    const fit = fitGbm(x, y, { trees: 500, learningRate: 0.3, depth: 4, minLeafSize: 5, seed: 1 });
    expect(fit.roots.length).toBeLessThan(fit.treesGrown);
    expect(fit.treesGrown).toBeLessThan(500);
    expect(fit.validationLogLoss).not.toBeNull();
    const compiled = compileTrees(fit);
    for (let i = 0; i < 200; i++) expect(compiledRawScore(compiled, x, i * 2)).toBe(gbmRawScore(fit, x, i * 2));
  });
});
