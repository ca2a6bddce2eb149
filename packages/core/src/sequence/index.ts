export * from './sequence-state.js';
