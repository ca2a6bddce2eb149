import { describeSessionStorage } from '@shotline/testing';
import { openPostgresStorage, type PostgresSessionStorage } from './postgres-session-storage.js';
import {
  PG_SKIP_REASON,
  PG_URL,
  corruptShotParameters,
  temporarySchemas,
} from './postgres-test-schemas.test-helper.js';

// The shared conformance suite on the real PostgreSQL server of SHOTLINE_PG_URL, each storage in a
// fresh schema.
const schemas = temporarySchemas('conformance');
describeSessionStorage('postgres', {
  skipReason: PG_SKIP_REASON,
  open: () => openPostgresStorage(PG_URL!, { schema: schemas.next() }),
  openAnother: (storage) =>
    openPostgresStorage(PG_URL!, { schema: (storage as PostgresSessionStorage).schema }),
  corruptShotParameters,
  dispose: () => schemas.dispose(),
});
