import { DEFAULT_SCORE_BANDS, scoreOfProbability, type ScoreBand } from '../bands.ts';

/**
 * How well predicted probabilities separate and match 0/1 outcomes. Every function takes the
 * probabilities and the labels as parallel arrays; an undefined metric (one class only) is NaN.
 */

/** Indices ordered by score, ascending (stable, so ties keep their order). */
function orderBy(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a]! - scores[b]! || a - b);
}

/**
 * Area under the ROC curve by ranks (Mann–Whitney): the chance that a random positive scores above
 * a random negative, a tie counting ½.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = orderBy(scores);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // tied scores share the average of their ranks
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface KsResult {
  /** max |TPR − FPR| over the thresholds. */
  value: number;
  /** Probability cut-off where it is reached: "positive" means a probability ≥ threshold. */
  threshold: number;
}

/** Kolmogorov–Smirnov statistic: the largest gap between the positives' and the negatives' cumulative distributions. */
export function ks(scores: ArrayLike<number>, labels: ArrayLike<number>): KsResult {
  const n = scores.length;
  const order = orderBy(scores);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { value: Number.NaN, threshold: Number.NaN };
  let best = -1;
  let threshold = Number.NaN;
  let truePositives = 0;
  let falsePositives = 0;
  // From the highest score down: after each group of ties, everything at or above it is called positive.
  for (let i = n - 1; i >= 0; ) {
    const s = scores[order[i]!]!;
    let j = i;
    while (j >= 0 && scores[order[j]!] === s) {
      if (labels[order[j]!] === 1) truePositives++;
      else falsePositives++;
      j--;
    }
    const gap = Math.abs(truePositives / positives - falsePositives / negatives);
    if (gap > best) {
      best = gap;
      threshold = s;
    }
    i = j;
  }
  return { value: best, threshold };
}

export const gini = (areaUnderCurve: number): number => 2 * areaUnderCurve - 1;

/** Mean squared error of the probabilities. */
export function brier(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) total += (probabilities[i]! - labels[i]!) ** 2;
  return total / probabilities.length;
}

const EPSILON = 1e-15;

/** Mean negative log-likelihood, the probabilities clipped away from 0 and 1. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, EPSILON), 1 - EPSILON);
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / probabilities.length;
}

export interface CalibrationRow {
  band: string;
  /** Scores in the band, inclusive (0–1000). */
  minScore: number;
  maxScore: number;
  count: number;
  /** Mean predicted probability (NaN when empty). */
  meanPredicted: number;
  /** Share of positives observed (NaN when empty). */
  observedRate: number;
}

/** Count, mean predicted and observed rate per score band (score = round(1000 × p)); bands from the best down. */
export function calibration(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bands: readonly ScoreBand[] = DEFAULT_SCORE_BANDS): CalibrationRow[] {
  const sorted = [...bands].sort((a, b) => b.min - a.min);
  const count = new Float64Array(sorted.length);
  const predicted = new Float64Array(sorted.length);
  const observed = new Float64Array(sorted.length);
  for (let i = 0; i < probabilities.length; i++) {
    const score = scoreOfProbability(probabilities[i]!);
    let k = sorted.findIndex((band) => score >= band.min);
    if (k < 0) k = sorted.length - 1;
    count[k]!++;
    predicted[k]! += probabilities[i]!;
    observed[k]! += labels[i]!;
  }
  return sorted.map((band, k) => ({
    band: band.name,
    minScore: band.min,
    maxScore: k === 0 ? 1000 : sorted[k - 1]!.min - 1,
    count: count[k]!,
    meanPredicted: count[k]! > 0 ? predicted[k]! / count[k]! : Number.NaN,
    observedRate: count[k]! > 0 ? observed[k]! / count[k]! : Number.NaN,
  }));
}
