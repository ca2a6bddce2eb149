// Child process of the lock tests: takes locks on the resources given (as a run of sequence
// <sequence> would), prints "locked" (or the refusal), then waits to be killed.
//   node hold-locks.mjs <file> <sequence> <resource>...
import { SequencePath, currentRunOwner } from '@shotline/core';
import { openSqliteStorage } from '../dist/index.js';

const [file, sequence, ...resources] = process.argv.slice(2);
const storage = await openSqliteStorage(file);
const result = await storage.acquireLocks({
  resources,
  holder: currentRunOwner(`shotline run ${sequence}`),
  sequence: SequencePath.parse(sequence),
});
process.stdout.write(result.ok ? 'locked\n' : `refused: ${result.error.message}\n`);
setInterval(() => undefined, 60_000);
