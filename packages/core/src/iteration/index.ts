// Iteration: the steps of a sequence (declarations, shots, linspace/arange/zip loops), shot count,
// parameter schema and the lazy walk.
export * from './steps.js';
export * from './iteration-configuration.js';
