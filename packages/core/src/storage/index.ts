export * from './storage-errors.js';
export * from './session-storage.js';
