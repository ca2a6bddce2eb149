export * from './ndarray.js';
export * from './data-value.js';
