export * from './sequence-path.js';
