// Public API of @shotline/storage-postgres.
export * from './postgres-session-storage.js';
