import { createHash } from 'node:crypto';

/**
 * Champion/challenger: a share of the debtors gets a new strategy (the challenger), the rest the
 * current one (the champion); after a while the two are compared. The split is by hash of the
 * experiment and the debtor, so a debtor stays in the same arm on every run, with no state.
 *
 * Statistics are floats (rates, not money); money stays integer centavos (bigint sums).
 */
export type Arm = 'champion' | 'challenger';

/**
 * The debtor's arm: SHA-256 of the two ids → a uniform number in [0, 1); below the challenger's
 * share → challenger. Stable across runs and machines.
 */
export function armOf(experimentId: string, debtorId: string, challengerShare: number): Arm {
  if (!(challengerShare > 0 && challengerShare < 1)) throw new RangeError('a fatia do desafiante deve estar entre 0 e 1 (exclusive)');
  return uniformOf(experimentId, debtorId) < challengerShare ? 'challenger' : 'champion';
}

/** The hash of the ids as a number in [0, 1), from its first 48 bits. */
export function uniformOf(experimentId: string, debtorId: string): number {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  const digest = createHash('sha256').update(`${experimentId}\u0000${debtorId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

// ---------------------------------------------------------------------------------------------
// Distributions

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), ~15 significant digits. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes §6.4). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta did not converge (x=${x}, a=${a}, b=${b})`);
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The fraction converges fast on the side of the mean; the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) covers the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Student's t cumulative distribution with `df` (real, > 0) degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError('graus de liberdade devem ser positivos');
  if (t === 0) return 0.5;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * The standard normal quantile: Wichura's AS 241 (PPND16, Applied Statistics 37, 1988),
 * accurate to about 1e-16.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('probabilidade deve estar entre 0 e 1 (exclusive)');
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

/** Above this many degrees of freedom the t quantile is the normal one plus its asymptotic expansion. */
const LARGE_DF = 1000;

/**
 * Student's t quantile for real df > 0: bisection on the exact distribution (the regularized
 * incomplete beta); for df > 1000 the Cornish–Fisher expansion around the normal quantile
 * (Abramowitz & Stegun 26.7.5), whose error there is below 1e-12.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('probabilidade deve estar entre 0 e 1 (exclusive)');
  if (!(df > 0)) throw new RangeError('graus de liberdade devem ser positivos');
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df > LARGE_DF) {
    const z = normalQuantile(p);
    const z2 = z * z;
    const g1 = (z * (z2 + 1)) / 4;
    const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
    const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
    const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
  }
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------
// Intervals

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator). */
  variance: number;
}

/** Mean and sample variance, two-pass (no cancellation). */
export function summarize(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, variance: NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { n, mean, variance: n > 1 ? squares / (n - 1) : NaN };
}

export interface WelchResult {
  /** mean(x) − mean(y). */
  difference: number;
  standardError: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  interval: [number, number];
}

/** Welch's two-sample t interval for mean(x) − mean(y) (unequal variances). Needs n ≥ 2 on each side. */
export function welchTest(x: SampleSummary, y: SampleSummary, confidence = 0.95): WelchResult {
  if (x.n < 2 || y.n < 2) throw new RangeError('o teste de Welch precisa de pelo menos 2 observações em cada grupo');
  const vx = x.variance / x.n;
  const vy = y.variance / y.n;
  const difference = x.mean - y.mean;
  const standardError = Math.sqrt(vx + vy);
  if (standardError === 0) {
    // No variation in either group: the difference is what it is.
    return { difference, standardError, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: x.n + y.n - 2, pValue: difference === 0 ? 1 : 0, interval: [difference, difference] };
  }
  const df = (vx + vy) ** 2 / (vx ** 2 / (x.n - 1) + vy ** 2 / (y.n - 1));
  const t = difference / standardError;
  const q = tQuantile(1 - (1 - confidence) / 2, df);
  const pValue = 2 * (1 - tCdf(Math.abs(t), df));
  return { difference, standardError, t, df, pValue, interval: [difference - q * standardError, difference + q * standardError] };
}

/** Wilson's score interval for a proportion (no continuity correction; Newcombe 1998, method 3). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): [number, number] {
  if (!(n > 0) || successes < 0 || successes > n) throw new RangeError('proporção inválida');
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const p = successes / n;
  const center = (successes + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt(n * p * (1 - p) + z2 / 4)) / (n + z2);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", method 10): the Wilson limits of each proportion
 * combined in quadrature.
 */
export function newcombeInterval(successes1: number, n1: number, successes2: number, n2: number, confidence = 0.95): { difference: number; interval: [number, number] } {
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const [l1, u1] = wilsonInterval(successes1, n1, confidence);
  const [l2, u2] = wilsonInterval(successes2, n2, confidence);
  const difference = p1 - p2;
  return {
    difference,
    interval: [difference - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), difference + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)],
  };
}

// ---------------------------------------------------------------------------------------------
// Comparing the arms

export interface DebtorOutcome {
  /** What the debtor owed when the experiment started (> 0). */
  exposureCents: number;
  recoveredCents: number;
}

/** An arm as running sums (what a database aggregate gives): per-debtor ratio = recovered ÷ exposure. */
export interface ArmSums {
  debtors: number;
  exposureCents: bigint | number;
  recoveredCents: bigint | number;
  /** Debtors who paid anything. */
  payers: number;
  ratioSum: number;
  ratioSquareSum: number;
}

export type ArmData = { debtors: readonly DebtorOutcome[] } | ArmSums;

export interface ArmResult {
  debtors: number;
  exposureCents: bigint;
  recoveredCents: bigint;
  /** Recovered ÷ exposure, over the arm. */
  recoveryRate: number;
  /** The mean of the per-debtor recovery ratios (what the test compares). */
  meanRecoveryRatio: number;
  payers: number;
  payerShare: number;
}

export type Verdict = 'challenger' | 'champion' | 'no_difference' | 'insufficient_data';

export interface ArmComparison {
  confidence: number;
  champion: ArmResult;
  challenger: ArmResult;
  /** Challenger − champion, on the per-debtor recovery ratios (Welch); null with fewer than 2 debtors in an arm. */
  recoveryRatio: WelchResult | null;
  /** Challenger − champion, share of debtors who paid anything (Newcombe–Wilson); null with an empty arm. */
  payerShare: { difference: number; interval: [number, number] } | null;
  verdict: Verdict;
  /** pt-BR. */
  message: string;
}

interface Summary extends ArmResult {
  sample: SampleSummary;
}

function summarizeArm(arm: ArmData): Summary {
  let exposure = 0n;
  let recovered = 0n;
  let payers = 0;
  let sample: SampleSummary;
  if (Array.isArray(arm.debtors)) {
    const outcomes = arm.debtors as readonly DebtorOutcome[];
    const ratios: number[] = [];
    for (const o of outcomes) {
      if (!Number.isSafeInteger(o.exposureCents) || o.exposureCents <= 0) throw new RangeError('a exposição de cada devedor deve ser um inteiro positivo de centavos');
      if (!Number.isSafeInteger(o.recoveredCents) || o.recoveredCents < 0) throw new RangeError('o valor recuperado deve ser um inteiro de centavos, zero ou mais');
      exposure += BigInt(o.exposureCents);
      recovered += BigInt(o.recoveredCents);
      if (o.recoveredCents > 0) payers++;
      ratios.push(o.recoveredCents / o.exposureCents);
    }
    sample = summarize(ratios);
  } else {
    const sums = arm as ArmSums;
    const n = sums.debtors;
    if (!Number.isInteger(n) || n < 0 || sums.payers < 0 || sums.payers > n) throw new RangeError('contagens inválidas no braço');
    exposure = BigInt(sums.exposureCents);
    recovered = BigInt(sums.recoveredCents);
    payers = sums.payers;
    const mean = n ? sums.ratioSum / n : NaN;
    sample = { n, mean, variance: n > 1 ? Math.max(0, (sums.ratioSquareSum - n * mean * mean) / (n - 1)) : NaN };
  }
  const n = sample.n;
  return {
    debtors: n,
    exposureCents: exposure,
    recoveredCents: recovered,
    recoveryRate: exposure > 0n ? Number(recovered) / Number(exposure) : NaN,
    meanRecoveryRatio: sample.mean,
    payers,
    payerShare: n ? payers / n : NaN,
    sample,
  };
}

/** Running sums of an arm from its debtors (to store or to add up per period). */
export function armSums(outcomes: readonly DebtorOutcome[]): ArmSums {
  let exposure = 0n;
  let recovered = 0n;
  let payers = 0;
  let ratioSum = 0;
  let ratioSquareSum = 0;
  for (const o of outcomes) {
    exposure += BigInt(o.exposureCents);
    recovered += BigInt(o.recoveredCents);
    if (o.recoveredCents > 0) payers++;
    const r = o.recoveredCents / o.exposureCents;
    ratioSum += r;
    ratioSquareSum += r * r;
  }
  return { debtors: outcomes.length, exposureCents: exposure, recoveredCents: recovered, payers, ratioSum, ratioSquareSum };
}

/** Percentage points, pt-BR, signed: 0.0123 → "+1,23 p.p.". */
function pp(value: number): string {
  const text = Math.abs(value * 100).toFixed(2).replace('.', ',');
  return `${value < 0 ? '-' : '+'}${text} p.p.`;
}

function percentLabel(confidence: number): string {
  return `${String(Math.round(confidence * 1000) / 10).replace('.', ',')} %`;
}

/**
 * Compares the challenger with the champion: each arm's recovery rate; the difference of the
 * mean per-debtor recovery ratios with Welch's interval (the verdict); and the difference of the
 * share of debtors who paid anything with Newcombe's interval.
 */
export function compareArms(champion: ArmData, challenger: ArmData, confidence = 0.95): ArmComparison {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confiança deve estar entre 0 e 1 (exclusive)');
  const a = summarizeArm(champion);
  const b = summarizeArm(challenger);
  const strip = ({ sample: _, ...result }: Summary): ArmResult => result;
  const ic = `IC ${percentLabel(confidence)}`;
  const payerShare = a.debtors > 0 && b.debtors > 0 ? newcombeInterval(b.payers, b.debtors, a.payers, a.debtors, confidence) : null;
  const base = { confidence, champion: strip(a), challenger: strip(b), payerShare };
  if (a.debtors < 2 || b.debtors < 2) {
    return { ...base, recoveryRatio: null, verdict: 'insufficient_data', message: 'dados insuficientes: cada braço precisa de pelo menos 2 devedores' };
  }
  const welch = welchTest(b.sample, a.sample, confidence);
  const [lo, hi] = welch.interval;
  const range = `${pp(lo)} a ${pp(hi)}`;
  const verdict: Verdict = lo > 0 ? 'challenger' : hi < 0 ? 'champion' : 'no_difference';
  const message =
    verdict === 'challenger'
      ? `desafiante recupera mais (${ic}: ${range} na recuperação média por devedor)`
      : verdict === 'champion'
        ? `campeão recupera mais (${ic}: ${pp(-hi)} a ${pp(-lo)} na recuperação média por devedor)`
        : `sem diferença significativa ainda (${ic} inclui 0: ${range}, desafiante − campeão)`;
  return { ...base, recoveryRatio: welch, verdict, message };
}
