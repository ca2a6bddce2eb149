// export: a sequence of SHOTS shots (20 parameters + one 512x512 uint16 picture, 0.5 MiB, in chunk
// files of a SQLite storage) exported with `shotline export` to HDF5 and to Parquet, each export in
// its own process (the CLI as a lab uses it), RUNS times each.
//   mib_per_s_hdf5, mib_per_s_parquet     picture MiB exported per second (median); *_parquet_bytes:
//                                         Parquet with --parquet-arrays bytes
//   peak_rss_mb_hdf5, peak_rss_mb_parquet peak RSS of the export process (maximum over the runs)
//   file_mib_hdf5, file_mib_parquet       size of the file (Parquet stores uint16 as 32-bit ints)
//   disk_mib_per_s                        this disk's write speed, probed in the same run before each
//                                         format (median of the probes); disk_ratio_* = mib_per_s /
//                                         disk_mib_per_s (target ≥ 0.5, peak RSS ≤ 300 MB)
//   load_avg_start, load_avg_end          1-minute load average around the run
// Usage: npm run bench -- export [shots] [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NDArray, SequencePath, currentRunOwner } from '../../packages/core/dist/index.js';
import { openSqliteStorage } from '../../packages/storage-sqlite/dist/index.js';
import { diskWriteSpeed, median, report, round } from './lib.mjs';

const SHOTS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 5);
const IMAGE_BYTES = 512 * 512 * 2;
const BIN = resolve(import.meta.dirname, '../../packages/cli/dist/bin.js');
const path = SequencePath.parse('\\bench\\export');

const images = Array.from({ length: 8 }, (_, k) => {
  const values = new Uint16Array(512 * 512);
  for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761 + k) >>> 16;
  return new NDArray('uint16', [512, 512], values);
});

async function fill(file) {
  const storage = await openSqliteStorage(file);
  try {
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
    const inFlight = new Set();
    for (let index = 0; index < SHOTS; index++) {
      const parameters = {};
      for (let p = 0; p < 20; p++) {
        parameters[`mot.param${p}`] =
          p % 4 === 0 ? { magnitude: index + p, unit: 'MHz' } : index * 0.5 + p;
      }
      const write = storage
        .createShot(path, {
          index,
          parameters,
          data: { 'camera\\picture': images[index % images.length] },
          startTime: new Date(),
          endTime: new Date(),
          timing: null,
        })
        .then((r) => {
          r.unwrap();
          inFlight.delete(write);
        });
      inFlight.add(write);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    (await storage.setFinished(path, new Date())).unwrap();
  } finally {
    await storage.close();
  }
}

/** One export in its own process: seconds (as the CLI reports them) and peak RSS (MB). */
function exportOnce(lab, format, out, extra) {
  const script = `
    const { main } = await import(${JSON.stringify(resolve(import.meta.dirname, '../../packages/cli/dist/index.js'))});
    const code = await main(['node', 'shotline', '--lab', ${JSON.stringify(lab)}, '--json', 'export',
      'bench\\\\export', '--format', ${JSON.stringify(format)}, '--out', ${JSON.stringify(out)},
      ...${JSON.stringify(extra)}]);
    process.stderr.write('RSS ' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code;`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`export to ${format} failed: ${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  const rssKiB = Number(/RSS (\d+)/.exec(run.stderr)[1]);
  return { seconds: summary.seconds, rssMb: (rssKiB * 1024) / 1e6, bytes: statSync(out).size };
}

console.log(`export: ${SHOTS} shots with a 512x512 uint16 picture, ${RUNS} runs per format`);
const loadStart = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-export-'));
const figures = {};
const probes = [];
try {
  const { bavail, bsize } = statfsSync(dir);
  const needed = 3.5 * SHOTS * IMAGE_BYTES;
  if (bavail * bsize < needed) {
    throw new Error(
      `${tmpdir()} needs ${(needed / 2 ** 30).toFixed(1)} GiB free for this benchmark`,
    );
  }
  const lab = join(dir, 'lab');
  const init = spawnSync(process.execPath, [BIN, 'init', lab], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`shotline init failed: ${init.stderr}`);
  const t0 = performance.now();
  await fill(join(lab, 'shotline.sqlite'));
  console.log(`stored ${SHOTS} shots in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const mib = (SHOTS * IMAGE_BYTES) / 2 ** 20;
  for (const [name, format, extra] of [
    ['hdf5', 'hdf5', []],
    ['parquet', 'parquet', []],
    ['parquet_bytes', 'parquet', ['--parquet-arrays', 'bytes']],
  ]) {
    const probe = await diskWriteSpeed(dir);
    probes.push(probe);
    const rates = [];
    const rss = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const out = join(dir, `export.${format}`);
      const result = exportOnce(lab, format, out, extra);
      rmSync(out, { force: true });
      rates.push(mib / result.seconds);
      rss.push(result.rssMb);
      bytes = result.bytes;
    }
    const rate = median(rates);
    console.log(
      `${name}: ${rate.toFixed(0)} MiB/s (runs: ${rates.map((r) => r.toFixed(0)).join(', ')}), peak RSS ${Math.max(...rss).toFixed(0)} MB, file ${(bytes / 2 ** 20).toFixed(0)} MiB, disk probe ${probe.toFixed(0)} MiB/s`,
    );
    figures[`mib_per_s_${name}`] = round(rate, 0);
    figures[`peak_rss_mb_${name}`] = round(Math.max(...rss), 0);
    figures[`file_mib_${name}`] = round(bytes / 2 ** 20, 0);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const disk = median(probes);
report('export', {
  ...figures,
  disk_mib_per_s: round(disk, 0),
  disk_ratio_hdf5: round(figures.mib_per_s_hdf5 / disk, 2),
  disk_ratio_parquet: round(figures.mib_per_s_parquet / disk, 2),
  disk_ratio_parquet_bytes: round(figures.mib_per_s_parquet_bytes / disk, 2),
  disk_probes_mib_per_s: probes.map((p) => round(p, 0)),
  load_avg_start: round(loadStart, 2),
  load_avg_end: round(loadavg()[0], 2),
  shots: SHOTS,
  runs: RUNS,
});
