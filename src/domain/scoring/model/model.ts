import { AppError } from '../../../shared/errors.ts';
import { DEFAULT_SCORE_BANDS, type ScoreBand } from '../bands.ts';
import { compileEncoder, encodeRows, fitEncoder, subsetDataset, type DataRow, type Dataset, type Encoder } from './dataset.ts';
import { compiledRawScore, compileTrees, fitGbm, gbmRawScore, type GbmOptions, type GbmParameters } from './gbm.ts';
import { fitLogistic, logisticLinear, sigmoid, type LogisticOptions, type LogisticParameters } from './logistic.ts';
import { auc, brier, calibration, gini, ks, logLoss, type CalibrationRow } from './metrics.ts';
import { SeededRandom } from '../../random.ts';

/**
 * Training and using a score model on a tenant's own outcomes: a seeded stratified holdout, the
 * encoder learned on the training part only, a logistic regression or boosted trees, and the
 * evaluation on the holdout. The trained model is plain JSON (no dates: pure code has no clock),
 * and scores a row with `compilePredictor` without allocating per call.
 */
export type ModelKind = 'logistic' | 'gbm';

/** The GBM is kept over the logistic regression only when its holdout AUC is higher by at least this. */
export const AUTO_MIN_AUC_GAIN = 0.005;

export const MODEL_FORMAT = 'recupera-score-model' as const;

interface ModelBase {
  format: typeof MODEL_FORMAT;
  version: 1;
  outcome: string;
  positive: string | null;
  encoder: Encoder;
}

export type TrainedModel = (ModelBase & { kind: 'logistic'; parameters: LogisticParameters }) | (ModelBase & { kind: 'gbm'; parameters: GbmParameters });

export interface TrainOptions {
  kind?: ModelKind | 'auto';
  /** Share of the rows held out for evaluation (0 to 0.9; 0 evaluates on the training rows). */
  holdout?: number;
  seed?: string | number;
  /** The logistic regression's L2 penalty. */
  lambda?: number;
  logistic?: Omit<LogisticOptions, 'lambda'>;
  gbm?: Omit<GbmOptions, 'seed'>;
  bands?: readonly ScoreBand[];
}

export type ModelSummary =
  | { kind: 'logistic'; lambda: number; iterations: number; converged: boolean }
  | { kind: 'gbm'; trees: number; treesGrown: number; depth: number; learningRate: number };

export type WeightsReport =
  | { kind: 'coefficients'; intercept: number; items: Array<{ feature: string; column: string; weight: number; oddsRatio: number; scale: 'sd' | 'indicator' }> }
  | { kind: 'importance'; items: Array<{ feature: string; column: string; importance: number }> };

export interface EvaluationReport {
  model: ModelSummary;
  rows: number;
  positives: number;
  baseRate: number;
  auc: number;
  ks: { value: number; threshold: number; score: number };
  gini: number;
  brier: number;
  logLoss: number;
  calibration: CalibrationRow[];
  weights: WeightsReport;
  training?: {
    trainRows: number;
    holdoutRows: number;
    holdout: number;
    seed: string;
    /** With kind 'auto': both holdout AUCs and the choice. */
    selection?: { logisticAuc: number; gbmAuc: number; chosen: ModelKind };
  };
  notes: string[];
}

export function trainModel(dataset: Dataset, options: TrainOptions = {}): { model: TrainedModel; report: EvaluationReport } {
  const kind = options.kind ?? 'auto';
  const holdout = options.holdout ?? 0.3;
  const seed = String(options.seed ?? 'recupera');
  const bands = options.bands ?? DEFAULT_SCORE_BANDS;
  if (!(holdout >= 0 && holdout <= 0.9)) throw new AppError('validation', `A fração de validação (holdout) deve estar entre 0 e 0,9 (recebido: ${holdout}).`, { field: 'holdout' });
  if (kind === 'auto' && holdout === 0) throw new AppError('validation', 'A escolha automática do modelo precisa de uma fração de validação (holdout) maior que zero.', { field: 'holdout' });
  const n = dataset.rows.length;
  if (dataset.positives === 0 || dataset.positives === n) {
    throw new AppError('validation', `A coluna de resultado "${dataset.outcome}" tem um único valor em todas as ${n} linhas: não há o que aprender.`, { field: dataset.outcome });
  }

  const { train, test } = stratifiedSplit(dataset.y, holdout, new SeededRandom(`${seed}:holdout`));
  const trainSet = subsetDataset(dataset, train);
  const testSet = holdout > 0 ? subsetDataset(dataset, test) : trainSet;
  if (trainSet.positives === 0 || trainSet.positives === trainSet.rows.length) {
    throw new AppError('validation', 'Os dados de treino ficaram com um único valor de resultado: há linhas de menos para separar uma validação.', { field: 'holdout' });
  }
  const encoder = fitEncoder(trainSet);
  if (encoder.features.length === 0) {
    throw new AppError('validation', `Nenhuma coluna pode ser usada como variável${encoder.notes.length ? ` (${encoder.notes.join('; ')})` : ''}.`, { field: 'features' });
  }
  const xTrain = encodeRows(encoder, trainSet.rows);
  const xTest = holdout > 0 ? encodeRows(encoder, testSet.rows) : xTrain;
  const base: ModelBase = { format: MODEL_FORMAT, version: 1, outcome: dataset.outcome, positive: dataset.positive, encoder };

  const candidates: TrainedModel[] = [];
  if (kind === 'logistic' || kind === 'auto') {
    candidates.push({ ...base, kind: 'logistic', parameters: fitLogistic(xTrain, trainSet.y, { ...options.logistic, ...(options.lambda === undefined ? {} : { lambda: options.lambda }) }) });
  }
  if (kind === 'gbm' || kind === 'auto') {
    candidates.push({ ...base, kind: 'gbm', parameters: fitGbm(xTrain, trainSet.y, { ...options.gbm, seed: `${seed}:gbm` }) });
  }
  const probabilities = candidates.map((model) => predictEncoded(model, xTest));
  let chosen = 0;
  const notes = [...encoder.notes];
  let selection: NonNullable<EvaluationReport['training']>['selection'];
  if (kind === 'auto') {
    const logisticAuc = auc(probabilities[0]!, testSet.y);
    const gbmAuc = auc(probabilities[1]!, testSet.y);
    chosen = gbmAuc - logisticAuc >= AUTO_MIN_AUC_GAIN ? 1 : 0;
    selection = { logisticAuc, gbmAuc, chosen: chosen === 1 ? 'gbm' : 'logistic' };
    notes.push(
      chosen === 1
        ? `escolha automática: árvores (AUC ${fmt(gbmAuc, 4)}) superam a regressão logística (AUC ${fmt(logisticAuc, 4)}) por ${AUTO_MIN_AUC_GAIN.toString().replace('.', ',')} ou mais e ficam`
        : `escolha automática: regressão logística (AUC ${fmt(logisticAuc, 4)}); as árvores (AUC ${fmt(gbmAuc, 4)}) não a superam por ${AUTO_MIN_AUC_GAIN.toString().replace('.', ',')} ou mais`,
    );
  }
  if (holdout === 0) notes.push('sem validação separada: as métricas são dos próprios dados de treino (otimistas)');
  const model = candidates[chosen]!;
  const report = buildReport(model, probabilities[chosen]!, testSet.y, bands, notes);
  report.training = { trainRows: trainSet.rows.length, holdoutRows: holdout > 0 ? testSet.rows.length : 0, holdout, seed, ...(selection ? { selection } : {}) };
  return { model, report };
}

/** Seeded stratified split: the same share of each outcome goes to the holdout. Indices ascending. */
export function stratifiedSplit(y: ArrayLike<number>, fraction: number, random: SeededRandom): { train: Uint32Array; test: Uint32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [0, 1]) {
    const group: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === label) group.push(i);
    random.shuffle(group);
    const cut = Math.round(group.length * fraction);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: Uint32Array.from(train.sort(ascending)), test: Uint32Array.from(test.sort(ascending)) };
}

/** The model's report on any dataset with the outcome column (every column the model reads must be there). */
export function evaluateModel(model: TrainedModel, dataset: Dataset, bands: readonly ScoreBand[] = DEFAULT_SCORE_BANDS): EvaluationReport {
  const present = new Set(dataset.columns);
  const absent = model.encoder.columns.map((c) => c.column).filter((c) => !present.has(c));
  if (absent.length > 0) throw new AppError('validation', `Colunas usadas pelo modelo ausentes no arquivo: ${absent.join(', ')}.`, { field: absent[0]! });
  const x = encodeRows(model.encoder, dataset.rows);
  return buildReport(model, predictEncoded(model, x), dataset.y, bands, []);
}

function predictEncoded(model: TrainedModel, x: Float64Array): Float64Array {
  const p = model.encoder.features.length;
  const n = p === 0 ? 0 : x.length / p;
  const out = new Float64Array(n);
  if (model.kind === 'logistic') {
    for (let i = 0; i < n; i++) out[i] = sigmoid(logisticLinear(model.parameters, x, i * p));
  } else {
    const trees = compileTrees(model.parameters);
    for (let i = 0; i < n; i++) out[i] = sigmoid(compiledRawScore(trees, x, i * p));
  }
  return out;
}

const encoders = new WeakMap<TrainedModel, ReturnType<typeof compileEncoder>>();

/** Probability of the positive outcome for one row (a record like the training rows). */
export function predictProbability(model: TrainedModel, row: DataRow): number {
  let encoder = encoders.get(model);
  if (!encoder) encoders.set(model, (encoder = compileEncoder(model.encoder)));
  const x = new Float64Array(encoder.width);
  encoder.encode(row, x);
  return sigmoid(model.kind === 'logistic' ? logisticLinear(model.parameters, x) : gbmRawScore(model.parameters, x));
}

/**
 * A scoring function for the daily run over every debtor: the encoder's lookups and the trees'
 * typed arrays are built once, and each call reuses one buffer (the closure is not reentrant-safe
 * across threads, and needs not be: JS calls it one at a time).
 */
export function compilePredictor(model: TrainedModel): (row: DataRow) => number {
  const encoder = compileEncoder(model.encoder);
  const buffer = new Float64Array(encoder.width);
  if (model.kind === 'logistic') {
    const intercept = model.parameters.intercept;
    const weights = Float64Array.from(model.parameters.weights);
    return (row) => {
      encoder.encode(row, buffer);
      let eta = intercept;
      for (let j = 0; j < weights.length; j++) eta += weights[j]! * buffer[j]!;
      return sigmoid(eta);
    };
  }
  const trees = compileTrees(model.parameters);
  return (row) => {
    encoder.encode(row, buffer);
    return sigmoid(compiledRawScore(trees, buffer));
  };
}

function summaryOf(model: TrainedModel): ModelSummary {
  if (model.kind === 'logistic') {
    const { lambda, iterations, converged } = model.parameters;
    return { kind: 'logistic', lambda, iterations, converged };
  }
  const { roots, treesGrown, depth, learningRate } = model.parameters;
  return { kind: 'gbm', trees: roots.length, treesGrown, depth, learningRate };
}

function weightsOf(model: TrainedModel): WeightsReport {
  const { features, featureColumns, columns } = model.encoder;
  const numeric = new Set(columns.filter((c) => c.kind === 'numeric').map((c) => c.column));
  if (model.kind === 'logistic') {
    const items = features.map((feature, j) => {
      const weight = model.parameters.weights[j]!;
      const scale: 'sd' | 'indicator' = feature === featureColumns[j] && numeric.has(feature) ? 'sd' : 'indicator';
      return { feature, column: featureColumns[j]!, weight, oddsRatio: Math.exp(weight), scale };
    });
    items.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.feature.localeCompare(b.feature));
    return { kind: 'coefficients', intercept: model.parameters.intercept, items };
  }
  const gain = model.parameters.gain;
  const total = gain.reduce((s, v) => s + v, 0);
  const items = features.map((feature, j) => ({ feature, column: featureColumns[j]!, importance: total > 0 ? gain[j]! / total : 0 }));
  items.sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
  return { kind: 'importance', items };
}

function buildReport(model: TrainedModel, probabilities: Float64Array, y: Uint8Array, bands: readonly ScoreBand[], notes: string[]): EvaluationReport {
  const rows = y.length;
  let positives = 0;
  for (let i = 0; i < rows; i++) positives += y[i]!;
  const area = auc(probabilities, y);
  const separation = ks(probabilities, y);
  const allNotes = [...notes];
  if (model.kind === 'logistic' && !model.parameters.converged) {
    allNotes.push(`a regressão logística não convergiu em ${model.parameters.iterations} iterações (separação perfeita? aumente o lambda)`);
  }
  if (rows > 0 && (positives === 0 || positives === rows)) allNotes.push('a avaliação tem um único valor de resultado: AUC, KS e Gini ficam indefinidos');
  return {
    model: summaryOf(model),
    rows,
    positives,
    baseRate: rows > 0 ? positives / rows : Number.NaN,
    auc: area,
    ks: { value: separation.value, threshold: separation.threshold, score: Math.round(1000 * separation.threshold) },
    gini: gini(area),
    brier: brier(probabilities, y),
    logLoss: logLoss(probabilities, y),
    calibration: calibration(probabilities, y, bands),
    weights: weightsOf(model),
    notes: allNotes,
  };
}

/** A saved model read back (JSON.parse output), checked enough to fail with a clear message. */
export function loadModel(json: unknown): TrainedModel {
  const bad = (what: string) => new AppError('validation', `Arquivo de modelo inválido: ${what}.`, { field: 'model' });
  if (typeof json !== 'object' || json === null) throw bad('não é um objeto JSON');
  const m = json as Partial<TrainedModel> & Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) throw bad(`formato "${String(m.format)}" (esperado "${MODEL_FORMAT}")`);
  if (m.version !== 1) throw bad(`versão ${String(m.version)} não suportada`);
  if (typeof m.outcome !== 'string') throw bad('falta a coluna de resultado');
  const encoder = m.encoder as Encoder | undefined;
  if (!encoder || !Array.isArray(encoder.columns) || !Array.isArray(encoder.features)) throw bad('falta o codificador das variáveis');
  const p = encoder.features.length;
  const params = m.parameters as Record<string, unknown> | undefined;
  if (!params) throw bad('faltam os parâmetros');
  if (m.kind === 'logistic') {
    if (!Array.isArray(params.weights) || params.weights.length !== p || typeof params.intercept !== 'number') throw bad('coeficientes incompletos');
  } else if (m.kind === 'gbm') {
    const arrays = ['feature', 'threshold', 'left', 'right', 'value'] as const;
    if (!Array.isArray(params.roots) || typeof params.baseScore !== 'number') throw bad('árvores incompletas');
    const nodes = (params.feature as unknown[] | undefined)?.length;
    if (arrays.some((k) => !Array.isArray(params[k]) || (params[k] as unknown[]).length !== nodes)) throw bad('árvores incompletas');
    if ((params.feature as number[]).some((f) => f >= p)) throw bad('árvore lê uma variável que o codificador não tem');
  } else {
    throw bad(`tipo "${String(m.kind)}" desconhecido`);
  }
  return json as TrainedModel;
}

/** pt-BR decimal with a fixed number of places ("—" when undefined). */
export function fmt(value: number, places: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toFixed(places).replace('.', ',');
}
