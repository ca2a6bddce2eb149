// The schema history every backend follows: the same versions, each adding the same things, in each
// backend's own SQL. A database records its version; opening an older one runs the missing steps in
// order, and a newer one is refused (see each backend's migrate-schema.ts).

/** What each schema version adds, oldest first. Never edit a released step: add a new one. */
export const STORAGE_SCHEMA_STEPS = [
  {
    version: 1,
    description: 'path tree, sequences, shots with structured and array data, lab settings',
  },
  {
    version: 2,
    description:
      'sequence owner (so a restarting manager crashes only its own stale runs) and per-shot device timing',
  },
  {
    version: 3,
    description:
      'resource locks (who runs which sequence on which devices, with renewed leases): one run per device, stale runs recovered',
  },
  {
    version: 4,
    description: "the server's run queue, audit log and API tokens (hashed)",
  },
  {
    version: 5,
    description:
      'array chunk references: a backend may keep large arrays in append-only files beside its catalog (SQLite does; PostgreSQL keeps them in the database)',
  },
  {
    version: 6,
    description:
      'durable execution: the events of a run (pauses, resumes, suspender trips, continuations) and the suspenders of each sequence',
  },
] as const;

/** A version of the storage schema. */
export type StorageSchemaVersion = (typeof STORAGE_SCHEMA_STEPS)[number]['version'];

/** One step of a backend's schema history: the shared version and description, the backend's SQL. */
export interface StorageMigration {
  /** The version the database has after this step. */
  version: StorageSchemaVersion;
  description: string;
  sql: string;
}

/**
 * A backend's migrations, oldest first: the SQL of every step of {@link STORAGE_SCHEMA_STEPS}
 * (a backend that lacks a step does not compile).
 */
export function storageMigrations(
  sql: Readonly<Record<StorageSchemaVersion, string>>,
): readonly StorageMigration[] {
  return STORAGE_SCHEMA_STEPS.map((step) => ({ ...step, sql: sql[step.version] }));
}

/** The version a database has after all of `migrations`. */
export function latestStorageSchemaVersion(migrations: readonly StorageMigration[]): number {
  return migrations[migrations.length - 1]!.version;
}
