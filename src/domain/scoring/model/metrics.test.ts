import { describe, expect, it } from 'vitest';
import { auc, brier, calibration, gini, ks, logLoss } from './metrics.ts';
import { SeededRandom } from '../../random.ts';

/** Random scores with many ties (one decimal) and labels loosely tied to them. */
function sample(random: SeededRandom, n: number): { scores: number[]; labels: number[] } {
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.round(random.next() * 10) / 10;
    scores.push(s);
    labels.push(random.next() < 0.2 + 0.6 * s ? 1 : 0);
  }
  return { scores, labels };
}

/** The definition: over every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let pairs = 0;
  let concordant = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i]! > scores[j]!) concordant += 1;
      else if (scores[i] === scores[j]) concordant += 0.5;
    }
  }
  return concordant / pairs;
}

/** Every threshold t among the scores, "positive" meaning score ≥ t: the largest |TPR − FPR|. */
function scanKs(scores: number[], labels: number[]): number {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  let best = 0;
  for (const t of new Set(scores)) best = Math.max(best, gapAt(scores, labels, t, positives, negatives));
  return best;
}

function gapAt(scores: number[], labels: number[], t: number, positives: number, negatives: number): number {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! >= t) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  return Math.abs(tp / positives - fp / negatives);
}

describe('metrics', () => {
  it('AUC equals the pairwise definition (ties count ½) on random data with ties', () => {
    const random = new SeededRandom('auc');
    for (let trial = 0; trial < 30; trial++) {
      const { scores, labels } = sample(random, 5 + Math.floor(random.next() * 300));
      if (!labels.includes(0) || !labels.includes(1)) continue;
      expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
    }
  });

  it('AUC: perfect, reversed, all tied, one class only', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(gini(0.75)).toBe(0.5);
  });

  it('KS equals a brute-force scan of every threshold, and its threshold reaches it', () => {
    const random = new SeededRandom('ks');
    for (let trial = 0; trial < 30; trial++) {
      const { scores, labels } = sample(random, 5 + Math.floor(random.next() * 300));
      const positives = labels.filter((l) => l === 1).length;
      if (positives === 0 || positives === labels.length) continue;
      const result = ks(scores, labels);
      const expected = scanKs(scores, labels);
      expect(result.value).toBeCloseTo(expected, 12);
      expect(gapAt(scores, labels, result.threshold, positives, labels.length - positives)).toBeCloseTo(expected, 12);
    }
  });

  it('KS of a perfect separation is 1 at the lowest positive score', () => {
    expect(ks([0.1, 0.3, 0.6, 0.9], [0, 0, 1, 1])).toEqual({ value: 1, threshold: 0.6 });
  });

  it('Brier and log loss by hand', () => {
    expect(brier([0.8, 0.3], [1, 0])).toBeCloseTo((0.04 + 0.09) / 2, 15);
    expect(logLoss([0.8, 0.3], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true); // clipped, not infinite
  });

  it('calibration by band: score = round(1000 p), A ≥ 800 … E < 200', () => {
    const p = [0.95, 0.8, 0.7995, 0.6, 0.45, 0.2, 0.1999, 0.05];
    const y = [1, 1, 0, 1, 0, 0, 0, 1];
    const rows = calibration(p, y);
    expect(rows.map((r) => [r.band, r.minScore, r.maxScore, r.count])).toEqual([
      ['A', 800, 1000, 3], // 0.7995 → 800
      ['B', 600, 799, 1],
      ['C', 400, 599, 1],
      ['D', 200, 399, 2], // 0.1999 → 200
      ['E', 0, 199, 1],
    ]);
    expect(rows[0]!.meanPredicted).toBeCloseTo((0.95 + 0.8 + 0.7995) / 3, 12);
    expect(rows[0]!.observedRate).toBeCloseTo(2 / 3, 12);
    expect(rows[3]!.observedRate).toBe(0);
    expect(calibration([0.5], [1], [{ name: 'alto', min: 500, label: '' }, { name: 'baixo', min: 0, label: '' }])[0]).toMatchObject({ band: 'alto', count: 1 });
  });
});
