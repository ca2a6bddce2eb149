// Child process of the durability tests: stores shots into a RUNNING sequence as the engine does,
// (asynchronously, a few in flight) and prints "committed <index>" once each write has resolved.
// It never stops by itself: the test kills it with SIGKILL.
//   node shot-writer.mjs <file> <sequence path>
import { NDArray, SequencePath, currentRunOwner, sequenceResource } from '@shotline/core';
import { openSqliteStorage } from '../dist/index.js';

const [file, pathText] = process.argv.slice(2);
const path = SequencePath.parse(pathText);
// As the engine does: it runs the sequence under the sequence's lock (which tells whoever opens the
// file that this run is alive), set RUNNING by the test for it.
const storage = await openSqliteStorage(file, { recoverStaleRuns: false });
(
  await storage.acquireLocks({
    resources: [sequenceResource(path)],
    holder: currentRunOwner('shot-writer'),
    sequence: path,
  })
).unwrap();

/** The image of shot `index`: every pixel is derived from the index, so readers can check it. */
export function image(index) {
  const values = new Uint16Array(512 * 512);
  for (let i = 0; i < values.length; i++) values[i] = (index * 7 + i) & 0xffff;
  return new NDArray('uint16', [512, 512], values);
}

async function store(index) {
  const parameters = {};
  for (let p = 0; p < 20; p++) parameters[`p.${p}`] = index + p / 10;
  const start = new Date();
  const result = await storage.createShot(path, {
    index,
    parameters,
    data: { 'cam\\picture': image(index), counts: index * 3 },
    startTime: start,
    endTime: new Date(start.getTime() + 1),
    timing: { index },
  });
  result.unwrap();
  process.stdout.write(`committed ${index}\n`);
}

const inFlight = new Set();
for (let index = 0; ; index++) {
  const write = store(index).finally(() => inFlight.delete(write));
  inFlight.add(write);
  if (inFlight.size >= 4) await Promise.race(inFlight);
}
