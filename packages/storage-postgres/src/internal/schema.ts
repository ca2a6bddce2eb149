// The PostgreSQL schema as a list of migrations, all in one PostgreSQL schema (namespace) chosen by
// the storage's `schema` option. The version lives in `shotline_schema_version`. Times are
// timestamptz, JSON is `json` (kept verbatim, key order included), arrays are `bytea` stored without
// compression (image data does not compress, and compressing costs CPU on every shot).
import {
  type StorageMigration,
  latestStorageSchemaVersion,
  storageMigrations,
} from '@shotline/core';

/** The SQL of each step of core's schema history. Never edit a released step: add a new one. */
export const MIGRATIONS: readonly StorageMigration[] = storageMigrations({
  1: `
      CREATE TABLE shotline_schema_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO shotline_schema_version (version) VALUES (0);
      CREATE TABLE paths (
        id bigserial PRIMARY KEY,
        path text COLLATE "C" NOT NULL UNIQUE,
        parent_id bigint REFERENCES paths(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX paths_parent_id ON paths(parent_id);
      CREATE TABLE sequences (
        id bigserial PRIMARY KEY,
        path_id bigint NOT NULL UNIQUE REFERENCES paths(id) ON DELETE CASCADE,
        state text NOT NULL,
        iteration json NOT NULL,
        time_lanes json NOT NULL,
        expected_shots bigint,
        globals json,
        device_configurations json,
        error json,
        start_time timestamptz,
        stop_time timestamptz
      );
      CREATE INDEX sequences_state ON sequences(state);
      CREATE TABLE shots (
        id bigserial PRIMARY KEY,
        sequence_id bigint NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        idx bigint NOT NULL,
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        parameters json NOT NULL,
        UNIQUE (sequence_id, idx)
      );
      CREATE TABLE shot_structured_data (
        shot_id bigint NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
        label text NOT NULL,
        content json NOT NULL,
        PRIMARY KEY (shot_id, label)
      );
      CREATE TABLE shot_array_data (
        shot_id bigint NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
        label text NOT NULL,
        dtype text NOT NULL,
        shape json NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (shot_id, label)
      );
      ALTER TABLE shot_array_data ALTER COLUMN bytes SET STORAGE EXTERNAL;
      CREATE TABLE settings (name text PRIMARY KEY, content json NOT NULL);
      CREATE TABLE device_configurations (
        name text PRIMARY KEY,
        type text NOT NULL,
        content json NOT NULL
      );
    `,
  2: `
      ALTER TABLE sequences ADD COLUMN owner text;
      ALTER TABLE shots ADD COLUMN timing json NOT NULL DEFAULT 'null';
    `,
  3: `
      CREATE TABLE resource_locks (
        resource text COLLATE "C" PRIMARY KEY,
        holder_id text NOT NULL,
        holder json NOT NULL,
        sequence text,
        acquired_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX resource_locks_holder_id ON resource_locks(holder_id);
    `,
  4: `
      CREATE TABLE queued_runs (
        id text PRIMARY KEY,
        position integer NOT NULL,
        sequence text NOT NULL,
        submitted_by text NOT NULL,
        submitted_at timestamptz NOT NULL,
        options json NOT NULL,
        state text NOT NULL,
        started_at timestamptz,
        ended_at timestamptz,
        error json
      );
      CREATE INDEX queued_runs_position ON queued_runs(position);
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        details json NOT NULL
      );
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        user_name text NOT NULL,
        scopes json NOT NULL,
        salt text NOT NULL,
        hash text NOT NULL,
        created_at timestamptz NOT NULL
      );
    `,
  // PostgreSQL keeps every array in the database (bytea): nothing to add.
  5: `SELECT 1;`,
  6: `
      ALTER TABLE sequences ADD COLUMN suspenders json NOT NULL DEFAULT '[]';
      CREATE TABLE sequence_events (
        id bigserial PRIMARY KEY,
        sequence_id bigint NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        time timestamptz NOT NULL,
        kind text NOT NULL,
        content json NOT NULL
      );
      CREATE INDEX sequence_events_sequence_id ON sequence_events(sequence_id, id);
    `,
});

/** The version this build writes and reads. */
export const SCHEMA_VERSION = latestStorageSchemaVersion(MIGRATIONS);
