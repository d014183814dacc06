/** The collector's workspace: distribution of cases, dispositions, the work queue, call scripts and champion/challenger. */
export * from './distribution.ts';
export * from './dispositions.ts';
export * from './queue.ts';
export * from './scripts.ts';
export * from './experiment.ts';
