import { AppError } from '../../../shared/errors.ts';

/**
 * L2-regularized logistic regression by Newton–Raphson (IRLS). The features are few (tens), so
 * each step solves the (p+1)×(p+1) Newton system exactly by Cholesky instead of iterating a first-order
 * method: a handful of passes over the data, and the same answer as R's glm when lambda is 0.
 *
 * Objective: −log-likelihood + (lambda / 2)·‖w‖², the intercept not penalized. On standardized
 * features lambda = 1 is scikit-learn's default (C = 1).
 */
export interface LogisticOptions {
  lambda?: number;
  /** Converged when no parameter moves more than this in a step. */
  tolerance?: number;
  maxIterations?: number;
}

export interface LogisticParameters {
  intercept: number;
  /** One per encoded feature, on the encoder's (standardized) scale. */
  weights: number[];
  lambda: number;
  iterations: number;
  converged: boolean;
}

export const LOGISTIC_DEFAULTS = { lambda: 1, tolerance: 1e-8, maxIterations: 100 } as const;

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The penalized objective at (intercept, weights): what the fit minimizes. */
export function logisticObjective(intercept: number, weights: ArrayLike<number>, x: Float64Array, y: ArrayLike<number>, lambda: number): number {
  const p = weights.length;
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let eta = intercept;
    const row = i * p;
    for (let j = 0; j < p; j++) eta += weights[j]! * x[row + j]!;
    total += softplus(eta) - y[i]! * eta;
  }
  let norm = 0;
  for (let j = 0; j < p; j++) norm += weights[j]! * weights[j]!;
  return total + (lambda / 2) * norm;
}

/** Gradient of the objective: index 0 the intercept, then one per weight. */
export function logisticGradient(intercept: number, weights: ArrayLike<number>, x: Float64Array, y: ArrayLike<number>, lambda: number): Float64Array {
  const p = weights.length;
  const n = y.length;
  const g = new Float64Array(p + 1);
  for (let i = 0; i < n; i++) {
    let eta = intercept;
    const row = i * p;
    for (let j = 0; j < p; j++) eta += weights[j]! * x[row + j]!;
    const r = sigmoid(eta) - y[i]!;
    g[0]! += r;
    for (let j = 0; j < p; j++) g[j + 1]! += r * x[row + j]!;
  }
  for (let j = 0; j < p; j++) g[j + 1]! += lambda * weights[j]!;
  return g;
}

/**
 * Fits on a row-major matrix x (n × p) and 0/1 outcomes y. Throws an AppError when the Newton
 * system is singular (collinear features with lambda 0), naming the cure.
 */
export function fitLogistic(x: Float64Array, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticParameters {
  const n = y.length;
  if (n === 0) throw new AppError('validation', 'Não há linhas para treinar o modelo.');
  const p = x.length / n;
  if (!Number.isInteger(p)) throw new RangeError('x must hold n × p values');
  const lambda = options.lambda ?? LOGISTIC_DEFAULTS.lambda;
  const tolerance = options.tolerance ?? LOGISTIC_DEFAULTS.tolerance;
  const maxIterations = options.maxIterations ?? LOGISTIC_DEFAULTS.maxIterations;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new AppError('validation', `lambda deve ser um número maior ou igual a zero (recebido: ${lambda}).`, { field: 'lambda' });

  const m = p + 1;
  const beta = new Float64Array(m);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  const rate = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(rate / (1 - rate)); // start at the base rate: the first step is already close
  const weightsOf = () => beta.subarray(1);

  const hessian = new Float64Array(m * m);
  const gradient = new Float64Array(m);
  const candidate = new Float64Array(m);
  let objective = logisticObjective(beta[0]!, weightsOf(), x, y, lambda);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    iterations++;
    hessian.fill(0);
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * p;
      let eta = beta[0]!;
      for (let j = 0; j < p; j++) eta += beta[j + 1]! * x[row + j]!;
      const mu = sigmoid(eta);
      const w = mu * (1 - mu);
      const r = mu - y[i]!;
      gradient[0]! += r;
      hessian[0]! += w;
      for (let j = 0; j < p; j++) {
        const xj = x[row + j]!;
        gradient[j + 1]! += r * xj;
        const wx = w * xj;
        hessian[j + 1]! += wx; // row 0, the intercept column
        const base = (j + 1) * m;
        for (let k = 0; k <= j; k++) hessian[base + k + 1]! += wx * x[row + k]!; // lower triangle
      }
    }
    for (let j = 1; j < m; j++) {
      hessian[j * m]! = hessian[j]!;
      hessian[j * m + j]! += lambda;
      gradient[j]! += lambda * beta[j]!;
    }
    const step = choleskySolve(hessian, gradient, m);

    // Newton's step, halved while it does not lower the objective (guards against overshooting
    // far from the optimum or near separation).
    let t = 1;
    let next = objective;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let j = 0; j < m; j++) candidate[j] = beta[j]! - t * step[j]!;
      next = logisticObjective(candidate[0]!, candidate.subarray(1), x, y, lambda);
      if (next <= objective + 1e-12 * Math.abs(objective)) break;
      t /= 2;
    }
    let largest = 0;
    for (let j = 0; j < m; j++) largest = Math.max(largest, Math.abs(candidate[j]! - beta[j]!));
    beta.set(candidate);
    // Also done when the objective stops moving (as glm does): with a nearly singular system the
    // parameters may drift along a flat direction while the fit no longer changes.
    const flat = Math.abs(objective - next) <= 1e-12 * (Math.abs(next) + 0.1);
    objective = next;
    if (largest < tolerance || flat) {
      converged = true;
      break;
    }
  }
  return { intercept: beta[0]!, weights: Array.from(weightsOf()), lambda, iterations, converged };
}

/**
 * Solves A·s = b for a symmetric positive definite A (full m × m, row-major), by Cholesky.
 * A pivot that vanishes relative to the diagonal means the system is singular.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  let largestDiagonal = 0;
  for (let i = 0; i < m; i++) largestDiagonal = Math.max(largestDiagonal, Math.abs(a[i * m + i]!));
  const floor = largestDiagonal * 1e-12;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * m + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * m + k]! * l[j * m + k]!;
      if (i === j) {
        if (!(sum > floor)) {
          throw new AppError(
            'validation',
            'O sistema da regressão logística é singular: há variáveis redundantes (colineares) ou constantes. Use lambda maior que zero ou remova as colunas redundantes.',
            { field: 'lambda' },
          );
        }
        l[i * m + i] = Math.sqrt(sum);
      } else {
        l[i * m + j] = sum / l[j * m + j]!;
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * m + k]! * z[k]!;
    z[i] = sum / l[i * m + i]!;
  }
  const s = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < m; k++) sum -= l[k * m + i]! * s[k]!;
    s[i] = sum / l[i * m + i]!;
  }
  return s;
}

/** The linear predictor of one encoded row. */
export function logisticLinear(params: Pick<LogisticParameters, 'intercept' | 'weights'>, row: ArrayLike<number>, offset = 0): number {
  let eta = params.intercept;
  const w = params.weights;
  for (let j = 0; j < w.length; j++) eta += w[j]! * row[offset + j]!;
  return eta;
}
