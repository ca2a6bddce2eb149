export * from './durable-execution-conformance.js';
