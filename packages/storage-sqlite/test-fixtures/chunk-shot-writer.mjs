// Child process of the chunk-file crash tests: stores shots with a 512x512 uint16 picture (in chunk
// files) into a RUNNING sequence from index <first> on, a few in flight, and prints
// "committed <index>" once each write has resolved. It never stops by itself: the test kills it
// with SIGKILL.
//   node chunk-shot-writer.mjs <file> <sequence path> <first index> <worker|inline>
import { NDArray, SequencePath } from '@shotline/core';
import { openSqliteStorage } from '../dist/index.js';

const [file, pathText, first, writer] = process.argv.slice(2);
const path = SequencePath.parse(pathText);
// Small chunk files, so that a run crosses several of them.
const storage = await openSqliteStorage(file, { writer, arrayChunks: { maxFileMiB: 4 } });

function picture(index) {
  const values = new Uint16Array(512 * 512);
  for (let i = 0; i < values.length; i++) values[i] = (index * 7 + i) & 0xffff;
  return new NDArray('uint16', [512, 512], values);
}

async function store(index) {
  const start = new Date();
  const result = await storage.createShot(path, {
    index,
    parameters: { x: index },
    data: { 'cam\\picture': picture(index), counts: index * 3 },
    startTime: start,
    endTime: start,
    timing: null,
  });
  result.unwrap();
  process.stdout.write(`committed ${index}\n`);
}

const inFlight = new Set();
for (let index = Number(first); ; index++) {
  const write = store(index).finally(() => inFlight.delete(write));
  inFlight.add(write);
  if (inFlight.size >= 6) await Promise.race(inFlight);
}
