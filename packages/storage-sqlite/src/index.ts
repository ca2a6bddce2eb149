// Public API of @shotline/storage-sqlite.
export * from './sqlite-session-storage.js';
