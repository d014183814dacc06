/** The management dashboard's pure aggregation: periods, rates, aging, funnel, roll rates, effectiveness. */
export * from './aging.ts';
export * from './effectiveness.ts';
export * from './funnel.ts';
export * from './periods.ts';
export * from './rates.ts';
export * from './roll-rates.ts';
export * from './series.ts';
