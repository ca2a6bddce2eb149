export * from './engine-errors.js';
export * from './shot-timing.js';
export * from './shot-retry.js';
export * from './pipeline-options.js';
export * from './execute-sequence.js';
export * from './sequence-context.js';
export * from './shot-context.js';
export * from './shared-shot.js';
