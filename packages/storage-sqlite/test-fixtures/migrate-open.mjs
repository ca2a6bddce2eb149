// Child process of the migration test: opens an older database, which backs it up and migrates it,
// then prints "migrated". The test kills it with SIGKILL while the backup is being written.
//   node migrate-open.mjs <file>
import { openSqliteStorage } from '../dist/index.js';

const [file] = process.argv.slice(2);
const storage = await openSqliteStorage(file);
process.stdout.write(`migrated ${storage.migration.backup}\n`);
await storage.close();
