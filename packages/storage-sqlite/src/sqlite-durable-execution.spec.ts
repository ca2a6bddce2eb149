import { describeDurableExecution } from '@shotline/testing';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases } from './sqlite-test-files.test-helper.js';

// Pause and resume, suspenders and continuations on real SQLite files, with the writer worker that
// runs use.
const files = temporaryDatabases('durable');
describeDurableExecution('sqlite', {
  open: () => openSqliteStorage(files.next(), { writer: 'worker' }),
  dispose: async () => files.dispose(),
});
