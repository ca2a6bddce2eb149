// The SQLite schema as a list of migrations. A database records its version in `PRAGMA user_version`
// and is marked as shotline's by `PRAGMA application_id`. Times are INTEGER milliseconds since the
// epoch (UTC); JSON is TEXT; arrays are BLOBs of C-order bytes with their dtype and JSON shape.

import {
  type StorageMigration,
  latestStorageSchemaVersion,
  storageMigrations,
} from '@shotline/core';

/** `PRAGMA application_id` of shotline databases ("SHOT"). */
export const APPLICATION_ID = 0x53484f54;

/** The SQL of each step of core's schema history. Never edit a released step: add a new one. */
export const MIGRATIONS: readonly StorageMigration[] = storageMigrations({
  1: `
      CREATE TABLE paths (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        parent_id INTEGER REFERENCES paths(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX paths_parent_id ON paths(parent_id);
      CREATE TABLE sequences (
        id INTEGER PRIMARY KEY,
        path_id INTEGER NOT NULL UNIQUE REFERENCES paths(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        iteration TEXT NOT NULL,
        time_lanes TEXT NOT NULL,
        expected_shots INTEGER,
        globals TEXT,
        device_configurations TEXT,
        error TEXT,
        start_time INTEGER,
        stop_time INTEGER
      );
      CREATE INDEX sequences_state ON sequences(state);
      CREATE TABLE shots (
        id INTEGER PRIMARY KEY,
        sequence_id INTEGER NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL,
        parameters TEXT NOT NULL,
        UNIQUE (sequence_id, idx)
      );
      CREATE TABLE shot_structured_data (
        shot_id INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (shot_id, label)
      ) WITHOUT ROWID;
      CREATE TABLE shot_array_data (
        id INTEGER PRIMARY KEY,
        shot_id INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        dtype TEXT NOT NULL,
        shape TEXT NOT NULL,
        bytes BLOB NOT NULL,
        UNIQUE (shot_id, label)
      );
      CREATE TABLE settings (name TEXT PRIMARY KEY, content TEXT NOT NULL);
      CREATE TABLE device_configurations (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        content TEXT NOT NULL
      );
    `,
  2: `
      ALTER TABLE sequences ADD COLUMN owner TEXT;
      ALTER TABLE shots ADD COLUMN timing TEXT NOT NULL DEFAULT 'null';
    `,
  3: `
      CREATE TABLE resource_locks (
        resource TEXT PRIMARY KEY,
        holder_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        sequence TEXT,
        acquired_at INTEGER NOT NULL,
        renewed_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX resource_locks_holder_id ON resource_locks(holder_id);
    `,
  4: `
      CREATE TABLE queued_runs (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        sequence TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        submitted_at INTEGER NOT NULL,
        options TEXT NOT NULL,
        state TEXT NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        error TEXT
      );
      CREATE INDEX queued_runs_position ON queued_runs(position);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  // Large arrays live in append-only chunk files beside the database (internal/chunks/): their row in
  // shot_array_data keeps dtype and shape with empty bytes, and this table says where the bytes are.
  5: `
      CREATE TABLE shot_array_chunks (
        array_id INTEGER PRIMARY KEY REFERENCES shot_array_data(id) ON DELETE CASCADE,
        chunk_file TEXT NOT NULL,
        chunk_offset INTEGER NOT NULL,
        byte_length INTEGER NOT NULL,
        crc32 INTEGER NOT NULL
      );
      CREATE INDEX shot_array_chunks_file ON shot_array_chunks(chunk_file);
    `,
  6: `
      ALTER TABLE sequences ADD COLUMN suspenders TEXT NOT NULL DEFAULT '[]';
      CREATE TABLE sequence_events (
        id INTEGER PRIMARY KEY,
        sequence_id INTEGER NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        time INTEGER NOT NULL,
        kind TEXT NOT NULL,
        content TEXT NOT NULL
      );
      CREATE INDEX sequence_events_sequence_id ON sequence_events(sequence_id, id);
    `,
});

/** The version this build writes and reads. */
export const SCHEMA_VERSION = latestStorageSchemaVersion(MIGRATIONS);
