import { AppError } from '../../../shared/errors.ts';
import { sigmoid, softplus } from './logistic.ts';
import { SeededRandom } from '../../random.ts';

/**
 * Gradient-boosted trees for log loss, histogram-based (the LightGBM/XGBoost "hist" recipe, small):
 * every feature is cut into at most 64 bins at its training quantiles, so finding a split is a pass
 * over a histogram instead of a sort; a child's histogram is its parent's minus its sibling's.
 * Trees are depth-limited, leaves are Newton steps with an L2 penalty, each tree sees a seeded
 * subsample of the rows, and a validation slice of the training rows stops the boosting when it
 * no longer helps. The trees are kept as flat arrays: a prediction is a few array reads per tree.
 */
export interface GbmOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  /** Fewest training rows in a leaf. */
  minLeafSize?: number;
  /** L2 penalty on leaf values (XGBoost's lambda). */
  l2?: number;
  /** Fraction of the rows each tree is grown on. */
  subsample?: number;
  /** At most 64. */
  bins?: number;
  /** Fraction of the training rows held out to stop early (0: no early stopping). */
  validationFraction?: number;
  /** Stop after this many trees without a better validation loss. */
  patience?: number;
  seed?: string | number;
}

export const GBM_DEFAULTS = {
  trees: 200, depth: 3, learningRate: 0.1, minLeafSize: 20, l2: 1, subsample: 0.8, bins: 64, validationFraction: 0.15, patience: 20, seed: 'recupera',
} as const;

export interface GbmParameters {
  /** Log-odds every prediction starts from: the training base rate. */
  baseScore: number;
  learningRate: number;
  depth: number;
  /** Root node of each tree. */
  roots: number[];
  /** Per node: feature index, or −1 for a leaf. Rows with x[feature] ≤ threshold go left. */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf value, the learning rate applied. */
  value: number[];
  /** Total split gain per encoded feature. */
  gain: number[];
  /** Trees grown before early stopping chose `roots.length`. */
  treesGrown: number;
  /** Log loss on the validation slice at the trees kept (null without a slice). */
  validationLogLoss: number | null;
}

/** Log loss of one row at raw score (log-odds) f. */
export function rowLogLoss(f: number, y: number): number {
  return softplus(f) - y * f;
}

/** First and second derivatives of the log loss in the raw score: p − y and p(1 − p). */
export function logLossDerivatives(f: number, y: number): { gradient: number; hessian: number } {
  const p = sigmoid(f);
  return { gradient: p - y, hessian: p * (1 - p) };
}

const MAX_BINS = 64;
const HIST_STRIDE = MAX_BINS * 3; // per feature: (sum g, sum h, count) per bin

/** Cut points per feature: a value v falls in the first bin b with v ≤ cuts[b], or after the last cut. */
export function binCuts(x: Float64Array, n: number, p: number, bins: number = MAX_BINS): Float64Array[] {
  const cuts: Float64Array[] = [];
  const column = new Float64Array(n);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) column[i] = x[i * p + f]!;
    column.sort();
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || column[i] !== column[i - 1]) distinct.push(column[i]!);
    const out: number[] = [];
    if (distinct.length <= bins) {
      for (let k = 0; k < distinct.length - 1; k++) out.push(distinct[k]!);
    } else {
      const max = column[n - 1]!;
      for (let q = 1; q < bins; q++) {
        const v = column[Math.min(n - 1, Math.floor((q * n) / bins))]!;
        if (v < max && (out.length === 0 || v > out[out.length - 1]!)) out.push(v);
      }
    }
    cuts.push(Float64Array.from(out));
  }
  return cuts;
}

function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length; // answer in [0, cuts.length]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function binMatrix(x: Float64Array, n: number, p: number, cuts: Float64Array[]): Uint8Array {
  const out = new Uint8Array(n * p);
  for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) out[i * p + f] = binOf(cuts[f]!, x[i * p + f]!);
  return out;
}

/** Fits on a row-major matrix x (n × p) and 0/1 outcomes y. */
export function fitGbm(x: Float64Array, y: ArrayLike<number>, options: GbmOptions = {}): GbmParameters {
  const o = { ...GBM_DEFAULTS, ...options };
  const nAll = y.length;
  if (nAll === 0) throw new AppError('validation', 'Não há linhas para treinar o modelo.');
  const p = x.length / nAll;
  if (!Number.isInteger(p)) throw new RangeError('x must hold n × p values');
  if (!(o.depth >= 1 && o.depth <= 12)) throw new AppError('validation', 'A profundidade das árvores deve ser de 1 a 12.', { field: 'depth' });
  if (!(o.learningRate > 0 && o.learningRate <= 1)) throw new AppError('validation', 'A taxa de aprendizado deve estar entre 0 e 1.', { field: 'learningRate' });
  if (!(o.subsample > 0 && o.subsample <= 1)) throw new AppError('validation', 'A subamostra deve estar entre 0 e 1.', { field: 'subsample' });
  if (!(o.trees >= 1)) throw new AppError('validation', 'O número de árvores deve ser pelo menos 1.', { field: 'trees' });
  const bins = Math.min(MAX_BINS, Math.max(2, Math.floor(o.bins)));
  const random = new SeededRandom(o.seed);

  // The validation slice (stratified) comes out of the training rows: the caller's holdout stays unseen.
  const validation: number[] = [];
  const training: number[] = [];
  if (o.validationFraction > 0 && nAll >= 100) {
    for (const label of [0, 1]) {
      const group: number[] = [];
      for (let i = 0; i < nAll; i++) if (y[i] === label) group.push(i);
      random.shuffle(group);
      const cut = Math.round(group.length * o.validationFraction);
      validation.push(...group.slice(0, cut));
      training.push(...group.slice(cut));
    }
    training.sort((a, b) => a - b);
    validation.sort((a, b) => a - b);
  } else {
    for (let i = 0; i < nAll; i++) training.push(i);
  }
  const n = training.length;
  const xt = new Float64Array(n * p);
  const yt = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = training[i]!;
    xt.set(x.subarray(r * p, r * p + p), i * p);
    yt[i] = y[r]!;
  }
  const nv = validation.length;
  const xv = new Float64Array(nv * p);
  const yv = new Uint8Array(nv);
  for (let i = 0; i < nv; i++) {
    const r = validation[i]!;
    xv.set(x.subarray(r * p, r * p + p), i * p);
    yv[i] = y[r]!;
  }

  const cuts = binCuts(xt, n, p, bins);
  const binned = binMatrix(xt, n, p, cuts);
  const binnedValidation = binMatrix(xv, nv, p, cuts);

  let positives = 0;
  for (let i = 0; i < n; i++) positives += yt[i]!;
  const rate = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  const baseScore = Math.log(rate / (1 - rate));

  const score = new Float64Array(n).fill(baseScore);
  const scoreValidation = new Float64Array(nv).fill(baseScore);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const indices = new Uint32Array(n);
  const gain = new Float64Array(p);
  const gainAtTree: Float64Array[] = [];

  const feature: number[] = [];
  const threshold: number[] = [];
  const splitBin: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const roots: number[] = [];
  const nodeCountAt: number[] = [];

  const { l2, minLeafSize, learningRate, depth: maxDepth } = o;
  const minHessian = 1e-6;

  const buildHistogram = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(p * HIST_STRIDE);
    for (let i = start; i < end; i++) {
      const r = indices[i]!;
      const gi = g[r]!;
      const hi = h[r]!;
      const base = r * p;
      for (let f = 0; f < p; f++) {
        const at = f * HIST_STRIDE + binned[base + f]! * 3;
        hist[at]! += gi;
        hist[at + 1]! += hi;
        hist[at + 2]! += 1;
      }
    }
    return hist;
  };

  const leaf = (sumG: number, sumH: number): number => {
    feature.push(-1);
    threshold.push(0);
    splitBin.push(0);
    left.push(-1);
    right.push(-1);
    value.push((-learningRate * sumG) / (sumH + l2));
    return feature.length - 1;
  };

  const grow = (start: number, end: number, depth: number, hist: Float64Array): number => {
    let sumG = 0;
    let sumH = 0;
    for (let b = 0; b < MAX_BINS; b++) {
      sumG += hist[b * 3]!;
      sumH += hist[b * 3 + 1]!;
    }
    const count = end - start;
    if (depth >= maxDepth || count < 2 * minLeafSize) return leaf(sumG, sumH);
    const parentScore = (sumG * sumG) / (sumH + l2);
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    for (let f = 0; f < p; f++) {
      const nb = cuts[f]!.length; // bins 0..nb; a split after bin b for b < nb
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const base = f * HIST_STRIDE;
      for (let b = 0; b < nb; b++) {
        gl += hist[base + b * 3]!;
        hl += hist[base + b * 3 + 1]!;
        cl += hist[base + b * 3 + 2]!;
        if (cl < minLeafSize) continue;
        const cr = count - cl;
        if (cr < minLeafSize) break;
        const hr = sumH - hl;
        if (hl < minHessian || hr < minHessian) continue;
        const gr = sumG - gl;
        const splitGain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (splitGain > bestGain) {
          bestGain = splitGain;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return leaf(sumG, sumH);
    gain[bestFeature]! += bestGain;

    // Partition [start, end) in place: rows with bin ≤ bestBin first.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (binned[indices[i]! * p + bestFeature]! <= bestBin) i++;
      else {
        const tmp = indices[i]!;
        indices[i] = indices[j]!;
        indices[j] = tmp;
        j--;
      }
    }
    const mid = i;
    const leftSmaller = mid - start <= end - mid;
    const small = leftSmaller ? buildHistogram(start, mid) : buildHistogram(mid, end);
    for (let k = 0; k < hist.length; k++) hist[k]! -= small[k]!; // the parent's histogram becomes the larger child's
    const node = feature.length;
    feature.push(bestFeature);
    threshold.push(cuts[bestFeature]![bestBin]!);
    splitBin.push(bestBin);
    left.push(-1);
    right.push(-1);
    value.push(0);
    const l = grow(start, mid, depth + 1, leftSmaller ? small : hist);
    const r = grow(mid, end, depth + 1, leftSmaller ? hist : small);
    left[node] = l;
    right[node] = r;
    return node;
  };

  const leafValueBinned = (root: number, matrix: Uint8Array, row: number): number => {
    let node = root;
    while (feature[node]! >= 0) node = matrix[row * p + feature[node]!]! <= splitBin[node]! ? left[node]! : right[node]!;
    return value[node]!;
  };

  const validationLoss = (): number => {
    let total = 0;
    for (let i = 0; i < nv; i++) total += rowLogLoss(scoreValidation[i]!, yv[i]!);
    return total / nv;
  };

  let bestLoss = nv > 0 ? validationLoss() : Number.NaN;
  let bestTrees = 0;
  let grown = 0;
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const pi = sigmoid(score[i]!);
      g[i] = pi - yt[i]!;
      h[i] = pi * (1 - pi);
    }
    let m = 0;
    if (o.subsample >= 1) for (let i = 0; i < n; i++) indices[m++] = i;
    else for (let i = 0; i < n; i++) if (random.next() < o.subsample) indices[m++] = i;
    const root = grow(0, m, 0, buildHistogram(0, m));
    roots.push(root);
    nodeCountAt.push(feature.length);
    gainAtTree.push(Float64Array.from(gain));
    grown++;
    for (let i = 0; i < n; i++) score[i]! += leafValueBinned(root, binned, i);
    if (nv > 0) {
      for (let i = 0; i < nv; i++) scoreValidation[i]! += leafValueBinned(root, binnedValidation, i);
      const loss = validationLoss();
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        bestTrees = t + 1;
      } else if (t + 1 - bestTrees >= o.patience) break;
    } else bestTrees = t + 1;
  }

  // Keep the trees up to the best validation loss (nodes are stored tree after tree).
  const kept = bestTrees;
  const nodes = kept === 0 ? 0 : nodeCountAt[kept - 1]!;
  const keptGain = kept === 0 ? new Float64Array(p) : gainAtTree[kept - 1]!;
  return {
    baseScore,
    learningRate,
    depth: maxDepth,
    roots: roots.slice(0, kept),
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    value: value.slice(0, nodes),
    gain: Array.from(keptGain),
    treesGrown: grown,
    validationLogLoss: nv > 0 ? bestLoss : null,
  };
}

/** Raw score (log-odds) of one encoded row, straight from the parameters. */
export function gbmRawScore(params: GbmParameters, row: ArrayLike<number>, offset = 0): number {
  let total = params.baseScore;
  const { feature, threshold, left, right, value } = params;
  for (const root of params.roots) {
    let node = root;
    while (feature[node]! >= 0) node = row[offset + feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
    total += value[node]!;
  }
  return total;
}

/** The trees in typed arrays, for the hot path of scoring. */
export interface CompiledTrees {
  baseScore: number;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export function compileTrees(params: GbmParameters): CompiledTrees {
  return {
    baseScore: params.baseScore,
    roots: Int32Array.from(params.roots),
    feature: Int32Array.from(params.feature),
    threshold: Float64Array.from(params.threshold),
    left: Int32Array.from(params.left),
    right: Int32Array.from(params.right),
    value: Float64Array.from(params.value),
  };
}

export function compiledRawScore(trees: CompiledTrees, row: Float64Array, offset = 0): number {
  let total = trees.baseScore;
  const { roots, feature, threshold, left, right, value } = trees;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t]!;
    let f = feature[node]!;
    while (f >= 0) {
      node = row[offset + f]! <= threshold[node]! ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    total += value[node]!;
  }
  return total;
}
