export * from './dataset.ts';
export * from './logistic.ts';
export * from './gbm.ts';
export * from './metrics.ts';
export * from './model.ts';
export * from './report.ts';
