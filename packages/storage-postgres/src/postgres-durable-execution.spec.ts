import { describeDurableExecution } from '@shotline/testing';
import { openPostgresStorage } from './postgres-session-storage.js';
import { PG_SKIP_REASON, PG_URL, temporarySchemas } from './postgres-test-schemas.test-helper.js';

// Pause and resume, suspenders and continuations on the real PostgreSQL server of SHOTLINE_PG_URL,
// each lab in a fresh schema.
const schemas = temporarySchemas('durable');
describeDurableExecution('postgres', {
  skipReason: PG_SKIP_REASON,
  open: () => openPostgresStorage(PG_URL!, { schema: schemas.next() }),
  dispose: () => schemas.dispose(),
});
