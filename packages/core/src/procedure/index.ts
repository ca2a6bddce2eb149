export * from './procedure-errors.js';
export * from './procedure.js';
export * from './experiment-manager.js';
export * from './procedure-contract.js';
