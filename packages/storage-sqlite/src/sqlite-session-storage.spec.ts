import { describeSessionStorage } from '@shotline/testing';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { corruptShotParameters, temporaryDatabases } from './sqlite-test-files.test-helper.js';

// The shared conformance suite on real SQLite files, once with the writer worker (the default) and
// once with inline writes.
for (const writer of ['worker', 'inline'] as const) {
  const files = temporaryDatabases(`conformance-${writer}`);
  describeSessionStorage(`sqlite (${writer} writer)`, {
    open: () => openSqliteStorage(files.next(), { writer }),
    openAnother: (storage) => openSqliteStorage(storage.location, { writer }),
    corruptShotParameters,
    locks: 'os',
    dispose: async () => files.dispose(),
  });
}
