// The reason for the server: a script that blocks its own event loop does not delay a shot. The
// script runs in its own process (a real client), connected with ExperimentManager.connect; it
// blocks for 1 s while the server runs 100 ms shots. The figures are printed; only that the shots
// ran is asserted (durations belong in benchmarks).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createSimulatedLab, simulatedDevice, countingScan } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

const run = promisify(execFile);
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** The client script: starts the sequence, blocks its event loop for 1 s after shot 1, waits. */
const CLIENT = `
import { ExperimentManager } from '@shotline/core';
const [url, token] = process.argv.slice(1);
const manager = await ExperimentManager.connect(url, { token });
let blockedFrom = 0;
let blockedTo = 0;
await manager.createProcedure('blocking script').run(async (procedure) => {
  const second = new Promise((resolve) =>
    manager.events.on('shot-stored', (e) => { if (e.index === 1) resolve(); }),
  );
  procedure.startSequence('\\\\a');
  await second;
  blockedFrom = Date.now();
  while (Date.now() - blockedFrom < 1000) {} // an analysis step that never yields
  blockedTo = Date.now();
  const error = await procedure.exception();
  if (error) throw error;
});
await manager.close();
console.log(JSON.stringify({ blockedFrom, blockedTo }));
`;

describe('a client that blocks its own event loop', () => {
  it('does not delay the shots the server runs', { timeout: 120_000 }, async () => {
    const lab = await createSimulatedLab({
      devices: [simulatedDevice.slow('slow', { shotMs: 100 })],
      record: false,
    });
    await lab.session.createSequence('\\a', countingScan(16));
    const served = await startTestServer(lab, { logger: false });
    servers.push(served);
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', CLIENT, served.url, served.token],
      { cwd: import.meta.dirname, timeout: 100_000 },
    );
    const { blockedFrom, blockedTo } = JSON.parse(stdout.trim().split('\n').pop()!) as {
      blockedFrom: number;
      blockedTo: number;
    };
    expect(await lab.session.state('\\a')).toBe('finished');
    const indices = await lab.session.shotIndices('\\a');
    expect(indices).toHaveLength(16);
    const shots = await Promise.all(indices.map((i) => lab.session.shot('\\a', i)));
    const rows = shots.map((s) => {
      const runMs = (s.timing as { runMs: number }).runMs;
      const during = s.startTime.getTime() < blockedTo && s.endTime.getTime() > blockedFrom;
      return { index: s.index, runMs, during, start: s.startTime.getTime() };
    });
    const during = rows.filter((r) => r.during);
    const outside = rows.filter((r) => !r.during);
    const gaps = rows.slice(1).map((r, i) => r.start - rows[i]!.start);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(
      `client blocked ${blockedTo - blockedFrom} ms; ${during.length} shots ran meanwhile: ` +
        `run ms [${fmt(during.map((r) => r.runMs))}]; other shots: [${fmt(outside.map((r) => r.runMs))}]; ` +
        `start-to-start ms [${fmt(gaps)}]`,
    );
    expect(during.length).toBeGreaterThan(0);
  });
});
