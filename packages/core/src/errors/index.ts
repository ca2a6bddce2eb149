export * from './shotline-error.js';
export * from './error-summary.js';
