export * from './memory-session-storage.js';
export * from './session-storage-conformance.js';
export * from './latest-schema-use.js';
