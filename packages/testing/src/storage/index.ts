export * from './memory-session-storage.js';
export * from './session-storage-conformance.js';
