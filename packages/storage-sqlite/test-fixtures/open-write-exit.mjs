// Child process of the life-cycle tests: opens a storage, writes, then closes it (or, with "leave",
// forgets to) and lets the process end by itself.
//   node open-write-exit.mjs <file> close|leave
import { SequencePath } from '@shotline/core';
import { openSqliteStorage } from '../dist/index.js';

const [file, mode] = process.argv.slice(2);
const storage = await openSqliteStorage(file);
(await storage.createPath(SequencePath.parse('\\written'))).unwrap();
if (mode === 'close') {
  await storage.close();
  process.stdout.write('closed\n');
} else {
  process.stdout.write('left open\n');
}
