// How a `shotline run` ends when it is killed, and what a second run on the same lab gets: the real
// binary in child processes on a real SQLite lab ("Failures end cleanly", issue 14).
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanFile, startRun, tempLab, untilStored, type TempLab } from '../cli.test-helper.js';

interface Shown {
  state: string;
  completedShots: number;
  run: { owner: { host: string; pid: number; label: string }; since: string } | null;
  error: { code: string; message: string } | null;
}

async function labWith(sequences: Record<string, number>): Promise<TempLab> {
  const lab = await tempLab();
  await lab.json([
    'device',
    'add',
    'slow',
    '--type',
    'shotline.testing.slow',
    '--set',
    'shotMs=20',
  ]);
  for (const [name, shots] of Object.entries(sequences)) {
    writeFileSync(join(lab.dir, `${name}.yaml`), scanFile(shots));
    await lab.json(['seq', 'create', name, '--file', join(lab.dir, `${name}.yaml`)]);
  }
  return lab;
}

describe('shotline run, when things go wrong', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('kill -9 of a run: seq show names the run while it lives, then CRASHED; seq reset works', async () => {
    lab = await labWith({ scan: 2000 });
    const { child, ended } = await startRun(lab, 'scan');
    const live = await untilStored<Shown>(lab, 'scan', 3);
    expect(live.state).toBe('running');
    expect(live.run?.owner).toMatchObject({
      host: hostname(),
      pid: child.pid,
      label: 'shotline run \\scan',
    });
    const text = await lab.run(['seq', 'show', 'scan']);
    expect(text.stdout).toMatch(
      new RegExp(`run by: {3}shotline run \\\\scan on host .+, pid ${child.pid} since \\d{4}-`),
    );

    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');

    // Nothing else was run: the next command that opens the lab finds the run dead.
    const shown = await lab.run(['seq', 'show', 'scan']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(
      new RegExp(
        `^note: \\\\scan was RUNNING but the process that ran it stopped \\(shotline run \\\\scan \\(host .+, pid ${child.pid}\\)`,
      ),
    );
    expect(shown.stdout).toMatch(/state: {4}CRASHED/);
    const crashed = await lab.json<Shown>(['seq', 'show', 'scan']);
    expect(crashed.state).toBe('crashed');
    expect(crashed.run).toBeNull();
    expect(crashed.error?.code).toBe('RUN_PROCESS_GONE');
    expect(crashed.completedShots).toBeGreaterThanOrEqual(3);

    const reset = await lab.run(['seq', 'reset', 'scan']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^reset \\scan to DRAFT \(\d+ shot\(s\) erased\)/);
    // Its device is free again.
    writeFileSync(join(lab.dir, 'short.yaml'), scanFile(3));
    await lab.json(['seq', 'edit', 'scan', '--file', join(lab.dir, 'short.yaml')]);
    expect(await lab.json(['run', 'scan'])).toMatchObject({ state: 'finished', shots: 3 });
  }, 180_000);

  it('a double Ctrl-C quits at once, and the next command marks the sequence CRASHED', async () => {
    lab = await labWith({ scan: 2000 });
    const { child, ended } = await startRun(lab, 'scan');
    await untilStored(lab, 'scan', 2);
    child.kill('SIGINT');
    child.kill('SIGINT');
    const result = await ended;
    expect(result.code).toBe(130);
    const crashed = await lab.json<Shown>(['seq', 'show', 'scan']);
    expect(['crashed', 'interrupted']).toContain(crashed.state);
    if (crashed.state === 'crashed') expect(crashed.error?.code).toBe('RUN_PROCESS_GONE');
    expect((await lab.run(['seq', 'reset', 'scan'])).code).toBe(0);
  }, 180_000);

  it('two runs on one lab: the second is refused before anything opens, naming the sequence, host and pid', async () => {
    lab = await labWith({ a: 2000, b: 3 });
    const { child, ended } = await startRun(lab, 'a');
    const second = await lab.run(['run', 'b']);
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^error \\[RESOURCE_BUSY\\]: device "slow" is in use by sequence \\\\a, run by shotline run \\\\a \\(host .+, pid ${child.pid}\\) since \\d{4}-.*; wait until it ends, or interrupt it \\(Ctrl-C where it runs, or kill -INT ${child.pid} on .+\\) \\(device "slow"\\)$`,
      ),
    );
    expect(second.stderr).not.toMatch(/running \\b/);
    expect(await lab.json<Shown>(['seq', 'show', 'b'])).toMatchObject({ state: 'draft' });
    // Nor can the running sequence be started, reset or deleted meanwhile.
    const again = await lab.run(['run', 'a']);
    expect(again.stderr).toMatch(
      /error \[CLI_USAGE\]: sequence \\a is RUNNING under shotline run \\a \(host .+, pid \d+\) since .*: it cannot run twice/,
    );
    for (const command of [
      ['seq', 'reset', 'a'],
      ['seq', 'delete', 'a'],
    ]) {
      const refused = await lab.run(command);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(
          `it is RUNNING under shotline run \\\\a .*; interrupt it \\(Ctrl-C where it runs, or kill -INT ${child.pid} on .+\\) first`,
        ),
      );
    }
    child.kill('SIGINT');
    expect((await ended).code).toBe(130);
    expect(await lab.json(['run', 'b'])).toMatchObject({ state: 'finished', shots: 3 });
  }, 180_000);
});
