#!/usr/bin/env node
// `npm test`: runs every package's tests through Nx and prints the totals as one plain line,
// `N passed, N failed, N skipped`. Starts a throwaway PostgreSQL on loopback when the machine has the
// server binaries and SHOTLINE_PG_URL is not set; otherwise the PostgreSQL tests skip and say why.
// Extra arguments go to `nx run-many` (e.g. `npm test -- --projects=@shotline/core`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const env = { ...process.env, NX_TUI: 'false', NX_NO_CLOUD: 'true' };

if (!env.SHOTLINE_PG_URL && env.SHOTLINE_PG !== 'off') {
  const r = spawnSync(process.execPath, [join(root, 'tools/ci/postgres.mjs'), 'start'], {
    encoding: 'utf8',
  });
  if (r.status === 0 && r.stdout.trim()) {
    env.SHOTLINE_PG_URL = r.stdout.trim();
    console.log(`PostgreSQL for the tests: ${env.SHOTLINE_PG_URL}`);
  } else {
    console.log(
      `PostgreSQL tests will be skipped: could not start a server (${(r.stderr || 'no output').trim()})`,
    );
  }
}

const packages = readdirSync(join(root, 'packages')).filter((d) =>
  existsSync(join(root, 'packages', d, 'package.json')),
);
for (const d of packages)
  rmSync(join(root, 'packages', d, 'test-results'), { recursive: true, force: true });

const nx = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'test', '--output-style=static', ...process.argv.slice(2)],
  { cwd: root, env, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const d of packages) {
  const file = join(root, 'packages', d, 'test-results', 'vitest.json');
  if (!existsSync(file)) {
    missing.push(d);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that fails to load has no failed test but must count as a failure.
  for (const suite of report.testResults ?? []) {
    const anyFailed = (suite.assertionResults ?? []).some((a) => a.status === 'failed');
    if (suite.status === 'failed' && !anyFailed) failed += 1;
  }
}
const filtered = process.argv.slice(2).some((a) => a.startsWith('--projects') || a === '-p');
if (missing.length && !filtered) {
  console.log(`no test report from: ${missing.join(', ')}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(nx.status !== 0 || failed > 0 ? 1 : 0);
