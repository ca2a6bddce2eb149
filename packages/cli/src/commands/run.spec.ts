import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLab, type TempLab, scanFile } from '../cli.test-helper.js';

interface RunJson {
  state: string;
  shots: number;
  expectedShots: number;
  storage: string;
}

async function labWith(shots: number, shotMs: number): Promise<TempLab> {
  const lab = await tempLab();
  writeFileSync(join(lab.dir, 'scan.yaml'), scanFile(shots));
  await lab.json([
    'device',
    'add',
    'slow',
    '--type',
    'shotline.testing.slow',
    '--set',
    `shotMs=${shotMs}`,
  ]);
  await lab.json(['seq', 'create', 'scan', '--file', join(lab.dir, 'scan.yaml')]);
  return lab;
}

describe('shotline run', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('runs a sequence to FINISHED and prints a summary', async () => {
    lab = await labWith(20, 1);
    const result = await lab.run(['run', 'scan']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('running \\scan: 20 shots');
    expect(result.stdout).toMatch(
      /^FINISHED: 20\/20 shots in [\d.]+ s \([\d.]+ shots\/s\)\ndata: .*shotline\.sqlite \([\d.]+ [kM]?B\)\n$/,
    );
    const show = await lab.json<{ state: string; completedShots: number }>(['seq', 'show', 'scan']);
    expect(show).toMatchObject({ state: 'finished', completedShots: 20 });
  });

  it('reports the run as JSON and refuses to run it again without --reset', async () => {
    lab = await labWith(5, 1);
    const summary = await lab.json<RunJson>(['run', 'scan']);
    expect(summary).toMatchObject({ state: 'finished', shots: 5, expectedShots: 5 });
    const again = await lab.run(['run', 'scan']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/FINISHED; only a DRAFT can run \(add --reset/);
    expect(await lab.json<RunJson>(['run', 'scan', '--reset'])).toMatchObject({ shots: 5 });
  });

  it('interrupts cleanly on SIGINT: the sequence ends INTERRUPTED with the shots run so far', async () => {
    lab = await labWith(1000, 20);
    let sent = false;
    const result = await lab.run(['run', 'scan'], {
      onStart: (child) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('running \\scan')) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 500);
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupting: the running shot finishes');
    expect(result.stdout).toMatch(/^INTERRUPTED: \d+\/1000 shots/);
    const show = await lab.json<{ state: string; completedShots: number }>(['seq', 'show', 'scan']);
    expect(show.state).toBe('interrupted');
    expect(show.completedShots).toBeGreaterThan(0);
    expect(show.completedShots).toBeLessThan(1000);
  });

  it('fails before anything is opened when a device plugin is missing, naming the package', async () => {
    lab = await labWith(5, 1);
    const storage = await openSqliteStorage(join(lab.lab, 'shotline.sqlite'));
    (
      await storage.setDeviceConfiguration({
        name: 'laser',
        type: 'shotline.lasers.toptica',
        configuration: {},
      })
    ).unwrap();
    await storage.close();
    const result = await lab.run(['run', 'scan']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /MISSING_DEVICE_PLUGIN.*"shotline\.lasers\.toptica".*@shotline\/lasers.*device "laser"/,
    );
    expect(await lab.json(['seq', 'show', 'scan'])).toMatchObject({ state: 'draft' });
  });

  it('exits 1 with the error when the sequence crashes, and stores the error summary', async () => {
    lab = await labWith(10, 1);
    await lab.json([
      'device',
      'add',
      'broken',
      '--type',
      'shotline.testing.failing',
      '--set',
      'phase=runShot',
      '--set',
      'atShot=3',
    ]);
    const result = await lab.run(['run', 'scan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[\w+\]: .*shot 3.*device "broken"/m);
    const show = await lab.json<{ state: string; error: { code: string } | null }>([
      'seq',
      'show',
      'scan',
    ]);
    expect(show.state).toBe('crashed');
    expect(show.error).not.toBeNull();
    const text = await lab.run(['seq', 'show', 'scan']);
    expect(text.stdout).toMatch(/state: {4}CRASHED[\s\S]*error:\n {4}\[/);
  });
});
