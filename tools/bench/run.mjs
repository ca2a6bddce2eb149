#!/usr/bin/env node
// `npm run bench -- <name> [args]`: builds the packages (served from the Nx cache when unchanged),
// then runs tools/bench/<name>.bench.mjs. Every benchmark prints as its last line one JSON object
// with "bench": "<name>" and its medians. Benchmarks are run by hand, never as timed tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(
    `usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none yet)'}`,
  );
  process.exit(name ? 1 : 0);
}
const root = join(here, '..', '..');
if (process.env.SHOTLINE_BENCH_NO_BUILD !== '1') {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_TUI: 'false', NX_NO_CLOUD: 'true' },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const script = join(here, `${name}.bench.mjs`);
if (!existsSync(script)) process.exit(1);
const r = spawnSync(process.execPath, ['--expose-gc', script, ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
