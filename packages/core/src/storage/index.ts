// Storage: the SessionStorage contract and everything its backends share. A backend (SQLite,
// PostgreSQL, memory) implements StorageBackend (storage-backend.ts): the operations on encoded input
// (validated paths, milliseconds, JSON text, PreparedShot) returning stored rows (storage-rows.ts),
// deciding refusals with storage-rules.ts (dependency-free, also importable alone as
// `@shotline/core/storage-rules`), and following the schema history of storage-migrations.ts.
// EncodedSessionStorage turns such a backend into a full SessionStorage: input checks, typed errors,
// row decoding, sorting, closing.
export * from './storage-errors.js';
export * from './session-storage.js';
export * from './storage-json.js';
export * from './storage-validation.js';
export * from './stored-shot.js';
export * from './shot-table-builder.js';
export * from './storage-order.js';
export * from './storage-refusals.js';
export * from './storage-failure.js';
export * from './copy-path.js';
export * from './storage-rules.js';
export * from './storage-state-policy.js';
export * from './storage-rows.js';
export * from './sequence-event-encoding.js';
export * from './storage-backend.js';
export * from './encoded-session-storage.js';
export * from './storage-migrations.js';
export * from './lab-records.js';
export * from './run-owner.js';
export * from './process-identity.js';
export * from './resource-locks.js';
export * from './active-run.js';
