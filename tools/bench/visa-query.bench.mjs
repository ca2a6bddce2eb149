// VISA query round trip: `*IDN?` against the loopback SCPI simulator (same process), through the
// pure TCPIP backend over a raw socket and over VXI-11, and through a VISA library loaded with koffi
// (the fake library of packages/visa/native, compiled here with gcc; skipped without gcc).
// Figures: median over runs of the mean time per query, in µs (socket_us, vxi11_us, library_us).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScpiSimulator, openResource } from '../../packages/visa/dist/index.js';
import { median, report, round } from './lib.mjs';

const RUNS = 7;
const QUERIES = 500;

const simulator = await ScpiSimulator.start();
const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-fakevisa-'));
let libraryPath;
try {
  libraryPath = join(dir, 'libfakevisa.so');
  const source = join(import.meta.dirname, '..', '..', 'packages', 'visa', 'native', 'fakevisa.c');
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', libraryPath, source, '-lpthread']);
} catch {
  console.log('gcc is not available: the library backend is not measured');
  libraryPath = undefined;
}

async function measure(label, open) {
  const resource = await open();
  try {
    for (let i = 0; i < 100; i++) await resource.query('*IDN?'); // warm up
    const perQuery = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < QUERIES; i++) await resource.query('*IDN?');
      perQuery.push(Number(process.hrtime.bigint() - t0) / 1e3 / QUERIES);
    }
    const m = median(perQuery);
    console.log(
      `${label}: median ${m.toFixed(1)} µs per query (${perQuery.map((x) => x.toFixed(1)).join(', ')})`,
    );
    return round(m, 1);
  } finally {
    await resource.close();
  }
}

const figures = { runs: RUNS, queries_per_run: QUERIES };
figures.socket_us = await measure('pure TCPIP socket', () =>
  openResource(simulator.socketResource, { backend: 'tcpip' }),
);
figures.vxi11_us = await measure('pure VXI-11', () =>
  openResource(simulator.vxi11Resource, { backend: 'tcpip' }),
);
if (libraryPath) {
  figures.library_us = await measure('VISA library (fakevisa, koffi async)', () =>
    openResource(simulator.socketResource, { backend: 'library', libraryPath }),
  );
}
await simulator.close();
rmSync(dir, { recursive: true, force: true });
report('visa-query', figures);
