import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { createDataset, encodeRows, fitEncoder, type NumericEncoding } from './dataset.ts';
import { fitLogistic, logisticGradient, logisticObjective } from './logistic.ts';
import { SeededRandom } from '../../random.ts';

const logit = (p: number) => Math.log(p / (1 - p));

function randomProblem(seed: string, n: number, p: number) {
  const random = new SeededRandom(seed);
  const x = new Float64Array(n * p);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0.3;
    for (let j = 0; j < p; j++) {
      x[i * p + j] = random.next() * 4 - 2;
      eta += (j % 2 === 0 ? 0.8 : -0.5) * x[i * p + j]!;
    }
    y[i] = random.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y };
}

describe('logistic regression (IRLS)', () => {
  it('one binary feature, lambda → 0: intercept = logit(p0), coefficient = logit(p1) − logit(p0)', () => {
    // 200 rows with x = 0 (50 positives), 100 with x = 1 (70 positives)
    const x = new Float64Array(300);
    const y = new Uint8Array(300);
    for (let i = 0; i < 300; i++) {
      x[i] = i < 200 ? 0 : 1;
      y[i] = (i < 200 && i < 50) || (i >= 200 && i < 270) ? 1 : 0;
    }
    const fit = fitLogistic(x, y, { lambda: 1e-10 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(logit(0.25), 7);
    expect(fit.weights[0]).toBeCloseTo(logit(0.7) - logit(0.25), 7);
  });

  it("matches R's glm on the UCLA admissions data (admit ~ gre + gpa + factor(rank))", () => {
    // test/fixtures/credit/README.md: the data and the published glm fit
    const [head, ...lines] = fs.readFileSync('test/fixtures/credit/ucla-admissions.csv', 'utf8').trim().split('\n');
    const header = head!.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, k) => [header[k]!, v])));
    const dataset = createDataset(rows, { outcome: 'admit', categorical: ['rank'] });
    const encoder = fitEncoder(dataset);
    expect(encoder.features).toEqual(['gre', 'gpa', 'rank=1', 'rank=2', 'rank=3', 'rank=4']);
    const x = encodeRows(encoder, dataset.rows);
    // Full one-hot plus an intercept is rank-deficient by one: a vanishing penalty picks one
    // solution, and every contrast (what glm reports) is the same.
    const fit = fitLogistic(x, dataset.y, { lambda: 1e-9 });
    expect(fit.converged).toBe(true);
    const [gre, gpa] = encoder.columns as [NumericEncoding, NumericEncoding];
    const [wGre, wGpa, r1, r2, r3, r4] = fit.weights as [number, number, number, number, number, number];
    const raw = {
      intercept: fit.intercept + r1 - (wGre / gre.std) * gre.mean - (wGpa / gpa.std) * gpa.mean,
      gre: wGre / gre.std,
      gpa: wGpa / gpa.std,
      rank2: r2 - r1,
      rank3: r3 - r1,
      rank4: r4 - r1,
    };
    const published = { intercept: -3.989979, gre: 0.002264, gpa: 0.804038, rank2: -0.675443, rank3: -1.340204, rank4: -1.551464 };
    for (const [name, value] of Object.entries(published)) expect(Math.abs(raw[name as keyof typeof raw] - value), name).toBeLessThan(1e-6);
    // Residual deviance 458.52 on 394 degrees of freedom (null deviance 499.98)
    expect(2 * logisticObjective(fit.intercept, fit.weights, x, dataset.y, 0)).toBeCloseTo(458.52, 2);
  });

  it('the gradient matches finite differences of the objective', () => {
    const { x, y } = randomProblem('gradient', 200, 4);
    const lambda = 0.7;
    const random = new SeededRandom('point');
    for (let trial = 0; trial < 5; trial++) {
      const intercept = random.next() - 0.5;
      const weights = [0, 0, 0, 0].map(() => random.next() * 2 - 1);
      const g = logisticGradient(intercept, weights, x, y, lambda);
      const h = 1e-6;
      const numeric = [
        (logisticObjective(intercept + h, weights, x, y, lambda) - logisticObjective(intercept - h, weights, x, y, lambda)) / (2 * h),
        ...weights.map((_, j) => {
          const plus = weights.slice();
          const minus = weights.slice();
          plus[j]! += h;
          minus[j]! -= h;
          return (logisticObjective(intercept, plus, x, y, lambda) - logisticObjective(intercept, minus, x, y, lambda)) / (2 * h);
        }),
      ];
      for (let k = 0; k < numeric.length; k++) expect(g[k]!).toBeCloseTo(numeric[k]!, 4);
    }
  });

  it('stops at a zero gradient; a larger lambda shrinks the weights, never the intercept', () => {
    const { x, y } = randomProblem('fit', 2000, 3);
    const fit = fitLogistic(x, y, { lambda: 1 });
    const g = logisticGradient(fit.intercept, fit.weights, x, y, 1);
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
    expect(fit.weights[0]!).toBeCloseTo(0.8, 0);
    const norm = (w: number[]) => Math.hypot(...w);
    const strong = fitLogistic(x, y, { lambda: 500 });
    expect(norm(strong.weights)).toBeLessThan(norm(fit.weights) / 2);
    const huge = fitLogistic(x, y, { lambda: 1e9 });
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(huge.intercept).toBeCloseTo(logit(rate), 3); // all weights ~0: the intercept alone fits the base rate
  });

  it('a singular system (a duplicated column, lambda 0) is a clear error; lambda > 0 splits the weight evenly', () => {
    const { x: single, y } = randomProblem('singular', 300, 1);
    const x = new Float64Array(600);
    for (let i = 0; i < 300; i++) x[2 * i] = x[2 * i + 1] = single[i]!;
    expect(() => fitLogistic(x, y, { lambda: 0 })).toThrow(AppError);
    expect(() => fitLogistic(x, y, { lambda: 0 })).toThrow(/singular.*lambda maior que zero/);
    const fit = fitLogistic(x, y, { lambda: 1 });
    expect(fit.weights[0]).toBeCloseTo(fit.weights[1]!, 9);
    expect(() => fitLogistic(x, y, { lambda: -1 })).toThrow(/lambda/);
  });
});
