// Child process of the start race test: a "manager" that, on "go" from stdin, tries to start (DRAFT
// -> PREPARING) every sequence given, all at once, and prints which it won as JSON.
//   node start-sequences.mjs <file> <owner> <path>...
import { createInterface } from 'node:readline';
import { SequencePath } from '@shotline/core';
import { openSqliteStorage } from '../dist/index.js';

const [file, id, ...paths] = process.argv.slice(2);
const storage = await openSqliteStorage(file);
const owner = { id, host: 'test', pid: process.pid, processStartedAt: null, label: id };
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === 'go') break;
}
const results = await Promise.all(
  paths.map((p) =>
    storage.setPreparing(SequencePath.parse(p), { globals: [], deviceConfigurations: [], owner }),
  ),
);
const won = results.map((r) => r.ok);
const refusals = results.filter((r) => !r.ok).map((r) => r.error.code);
process.stdout.write(`${JSON.stringify({ won, refusals })}\n`);
await storage.close();
process.exit(0);
