// storage-read: the scalars of a 10,000-shot sequence read back as columns (readShotTable: 20
// parameters and 2 structured values per shot), on SQLite. Each shot also holds a small 32x32 image,
// which the table never reads.
//   median_ms            the whole table (every parameter and structured label)
//   median_ms_two_columns  one parameter and one structured label
//   median_ms_postgres   the whole table on PostgreSQL (SHOTLINE_PG_URL), when set
// Usage: npm run bench -- storage-read [shots] [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NDArray, SequencePath, currentRunOwner } from '../../packages/core/dist/index.js';
import { openSqliteStorage } from '../../packages/storage-sqlite/dist/index.js';
import { median, report, round, timeMs } from './lib.mjs';

const SHOTS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 7);
const path = SequencePath.parse('\\bench\\read');
const thumbnail = new NDArray('uint16', [32, 32], new Uint16Array(1024).fill(7));

function shot(index) {
  const parameters = {};
  for (let p = 0; p < 20; p++) {
    parameters[`scan.param${p}`] =
      p % 5 === 0 ? { magnitude: index / 10, unit: 'ms' } : index + p / 7;
  }
  return {
    index,
    parameters,
    data: {
      'camera\\thumbnail': thumbnail,
      'fit\\atoms': index * 1.5e5,
      'fit\\ok': index % 3 !== 0,
    },
    startTime: new Date(1_700_000_000_000 + index * 100),
    endTime: new Date(1_700_000_000_050 + index * 100),
    timing: null,
  };
}

async function fill(storage) {
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: SHOTS })
  ).unwrap();
  (
    await storage.setPreparing(path, {
      globals: [],
      deviceConfigurations: [],
      owner: currentRunOwner('bench'),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  for (let i = 0; i < SHOTS; i += 500) {
    const batch = [];
    for (let k = i; k < Math.min(SHOTS, i + 500); k++) batch.push(shot(k));
    (await storage.createShots(path, batch)).unwrap();
  }
  (await storage.setFinished(path, new Date())).unwrap();
}

async function time(storage, query) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    let rows = 0;
    times.push(
      await timeMs(async () => {
        rows = (await storage.readShotTable(path, query)).unwrap().index.length;
      }),
    );
    if (rows !== SHOTS) throw new Error(`read ${rows} of ${SHOTS} shots`);
  }
  return times;
}

console.log(`storage-read: ${SHOTS} shots, ${RUNS} runs`);
const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-read-'));
const figures = {};
try {
  const file = join(dir, 'bench.sqlite');
  const writer = await openSqliteStorage(file);
  await fill(writer);
  await writer.close();
  const storage = await openSqliteStorage(file);
  await time(storage); // warm the page cache once
  const all = await time(storage);
  const two = await time(storage, { parameters: ['scan.param3'], labels: ['fit\\atoms'] });
  await storage.close();
  console.log(`sqlite whole table: ${all.map((t) => t.toFixed(1)).join(', ')} ms`);
  console.log(`sqlite two columns: ${two.map((t) => t.toFixed(1)).join(', ')} ms`);
  figures.median_ms = round(median(all), 1);
  figures.median_ms_two_columns = round(median(two), 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (process.env.SHOTLINE_PG_URL) {
  const { openPostgresStorage } = await import('../../packages/storage-postgres/dist/index.js');
  const pg = (await import('pg')).default;
  const schema = `bench_read_${process.pid}`;
  const storage = await openPostgresStorage(process.env.SHOTLINE_PG_URL, { schema });
  try {
    await fill(storage);
    await time(storage);
    const all = await time(storage);
    console.log(`postgres whole table: ${all.map((t) => t.toFixed(1)).join(', ')} ms`);
    figures.median_ms_postgres = round(median(all), 1);
  } finally {
    await storage.close();
    const client = new pg.Client({ connectionString: process.env.SHOTLINE_PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

report('storage-read', { ...figures, shots: SHOTS, runs: RUNS });
