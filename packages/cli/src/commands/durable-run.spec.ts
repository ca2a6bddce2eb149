// Durable execution through the command line (issue 21): `seq pause` / `seq resume` from another
// terminal, a suspender of the sequence file tripping on a simulated lock monitor, and `run
// --continue` after kill -9. The real binary in child processes on a real SQLite lab.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  scanFile,
  startRun,
  tempLab,
  untilShown,
  untilStored,
  type TempLab,
} from '../cli.test-helper.js';

interface Shown {
  state: string;
  completedShots: number;
  expectedShots: number | null;
  events: { kind: string; text: string }[];
}

/** A lab with a 20 ms simulated device (and any more given) and one sequence file. */
async function labWith(file: string, devices: string[][] = []): Promise<TempLab> {
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
  for (const device of devices) await lab.json(['device', 'add', ...device]);
  writeFileSync(join(lab.dir, 'scan.yaml'), file);
  await lab.json(['seq', 'create', 'scan', '--file', join(lab.dir, 'scan.yaml')]);
  return lab;
}

/** The shot indices and the `i` of each stored shot, in the order `export` gives them. */
async function storedShots(lab: TempLab): Promise<{ index: number; i: number }[]> {
  const csv = await lab.run(['export', 'scan', '--format', 'csv']);
  expect(csv.code).toBe(0);
  const [header, ...rows] = csv.stdout.trimEnd().split('\r\n');
  const columns = header!.split(',');
  const iColumn = columns.indexOf('i');
  return rows.map((row) => {
    const cells = row.split(',');
    return { index: Number(cells[0]), i: Number(cells[iColumn]) };
  });
}

/** Every index from 0 to `count` - 1 exactly once, in order, each with its own `i`. */
function everyShotOnce(count: number): { index: number; i: number }[] {
  return Array.from({ length: count }, (_, index) => ({ index, i: index }));
}

describe('shotline run: pause, resume, suspenders, continue', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('seq pause from another terminal: the run shows PAUSED, keeps its shots, and seq resume goes on; every shot once, in order', async () => {
    lab = await labWith(scanFile(2000));
    const { child, ended } = await startRun(lab, 'scan');
    await untilStored(lab, 'scan', 3);

    const paused = await lab.run(['seq', 'pause', 'scan']);
    expect(paused.stderr).toBe('');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(
      /^\\scan is PAUSED before shot (\d+) \(resume it with "shotline seq resume \\scan"\)/,
    );
    const at = Number(/before shot (\d+)/.exec(paused.stdout)![1]);
    const shown = await lab.json<Shown>(['seq', 'show', 'scan']);
    expect(shown).toMatchObject({ state: 'paused', completedShots: at });
    const text = await lab.run(['seq', 'show', 'scan']);
    expect(text.stdout).toMatch(/state: {4}PAUSED/);
    expect(text.stdout).toMatch(/pause asked by shotline seq pause \(.+@.+\)/);
    expect(text.stdout).toMatch(
      new RegExp(`PAUSED before shot ${at}: asked by shotline seq pause`),
    );
    // Paused means paused: nothing more is stored while it waits.
    await new Promise((r) => setTimeout(r, 500));
    expect((await lab.json<Shown>(['seq', 'show', 'scan'])).completedShots).toBe(at);
    // A second pause is refused, naming the state.
    const again = await lab.run(['seq', 'pause', 'scan']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/PAUSED/);

    const resumed = await lab.run(['seq', 'resume', 'scan']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^asked \\scan to resume/);
    await untilStored(lab, 'scan', at + 3);
    child.kill('SIGINT');
    const run = await ended;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(
      new RegExp(
        `PAUSED: \\\\scan after ${at} shot\\(s\\); resume with "shotline seq resume \\\\scan"`,
      ),
    );
    expect(run.stderr).toMatch(/RUNNING again: \\scan resumed/);
    expect(run.stdout).toMatch(/^INTERRUPTED: \d+\/2000 shots/);
    const stored = await storedShots(lab);
    expect(stored.length).toBeGreaterThan(at);
    expect(stored).toEqual(everyShotOnce(stored.length));
    const events = (await lab.json<Shown>(['seq', 'show', 'scan'])).events.map((e) => e.kind);
    expect(events).toEqual(['pause-requested', 'paused', 'resume-requested', 'resumed']);
  }, 240_000);

  it('a suspender of the sequence file trips on the lock monitor: the run shows the trip and resumes by itself', async () => {
    const signal = join(tmpdir(), `shotline-lock-${process.pid}-${Date.now()}.txt`);
    writeFileSync(signal, '0.1');
    const file = [
      scanFile(300).trimEnd(),
      'suspenders:',
      '  - name: cooler lock',
      "    watch: { data: 'lock\\error' }",
      '    okWhen: { between: [-0.5, 0.5] }',
      '    hold: 200 ms',
      '',
    ].join('\n');
    try {
      lab = await labWith(file, [
        ['lock', '--type', 'shotline.testing.lock-monitor', '--set', `signalFile=${signal}`],
      ]);
      const definition = await lab.run(['seq', 'show', 'scan', '--definition']);
      expect(definition.stdout).toMatch(/suspenders:\n {2}- name: cooler lock/);
      const { ended } = await startRun(lab, 'scan');
      await untilStored(lab, 'scan', 3);
      writeFileSync(signal, '0.9'); // the laser unlocks
      const paused = await untilShown<Shown>(lab, 'scan', (s) => s.state === 'paused');
      writeFileSync(signal, '0.1'); // relocked
      const run = await ended;
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /suspender "cooler lock" tripped: data lock\\error = 0\.9 at shot \d+ \(pausing\)/,
      );
      expect(run.stderr).toMatch(
        /PAUSED: \\scan after \d+ shot\(s\), held by suspender "cooler lock"; it resumes by itself once cleared/,
      );
      expect(run.stderr).toMatch(/suspender "cooler lock" cleared: data lock\\error = 0\.1/);
      expect(run.stderr).toMatch(/RUNNING again: \\scan resumed/);
      expect(run.stdout).toMatch(/^FINISHED: 300\/300 shots/);
      expect(paused.completedShots).toBeLessThan(300);
      expect(await storedShots(lab)).toEqual(everyShotOnce(300));
      const text = await lab.run(['seq', 'show', 'scan']);
      expect(text.stdout).toMatch(/suspender "cooler lock" tripped: data lock\\error = 0\.9/);
      expect(text.stdout).toMatch(/PAUSED before shot \d+: suspender "cooler lock" tripped/);
      expect(text.stdout).toMatch(/suspender "cooler lock" cleared/);
      expect(text.stdout).toMatch(/resumed at shot \d+ \(suspenders cleared\)/);
    } finally {
      rmSync(signal, { force: true });
    }
  }, 240_000);

  it('kill -9 mid-scan, then run --continue: every index exactly once, the continuation recorded', async () => {
    lab = await labWith(scanFile(500));
    const { child, ended } = await startRun(lab, 'scan');
    await untilStored(lab, 'scan', 5);
    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');

    // Without --continue, a CRASHED sequence is refused, pointing at --continue.
    const refused = await lab.run(['run', 'scan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CRASHED; only a DRAFT can run .*add --continue/);

    const continued = await lab.run(['run', 'scan', '--continue', 'after kill -9']);
    expect(continued.code).toBe(0);
    expect(continued.stderr).toMatch(/continuing \\scan/);
    expect(continued.stdout).toMatch(/^FINISHED: 500\/500 shots/);
    expect(await storedShots(lab)).toEqual(everyShotOnce(500));
    const text = await lab.run(['seq', 'show', 'scan']);
    expect(text.stdout).toMatch(
      /continued from shot (\d+) \(\1 stored, was CRASHED\): after kill -9/,
    );
    // A FINISHED sequence cannot be continued.
    const finished = await lab.run(['run', 'scan', '--continue']);
    expect(finished.code).toBe(1);
    expect(finished.stderr).toMatch(
      /FINISHED; only an INTERRUPTED or CRASHED sequence can be continued/,
    );
  }, 240_000);
});
