// `shotline serve` and the command line as its client, with the real binary and real sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOTLINE_BIN, tempDir, tempLab, type TempDir, type TempLab } from '../cli.test-helper.js';

const TIMEOUT = 120_000;

function scan(shots: number): string {
  return `iteration:\n  - arange: i\n    start: 0\n    stop: ${shots}\n    step: 1\nsteps:\n  - expose: 1 ms\nlanes: {}\n`;
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

async function serve(lab: TempLab, env: Record<string, string>): Promise<Served> {
  const child = spawn(
    process.execPath,
    [SHOTLINE_BIN, '--lab', lab.lab, 'serve', '--listen', '127.0.0.1:0'],
    {
      env: { ...process.env, SHOTLINE_LAB: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const served = { child, stdout: '', stderr: '' } as Served & { url: string };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (served.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (served.stderr += d));
  (served as { exited: Promise<number | null> }).exited = new Promise((resolve) =>
    child.on('close', resolve),
  );
  const file = join(lab.lab, '.shotline', 'server.json');
  await until(() => existsSync(file) || child.exitCode !== null);
  if (!existsSync(file)) throw new Error(`serve exited: ${served.stderr}`);
  (served as { url: string }).url = (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
  return served;
}

describe('shotline serve and the command line as its client', () => {
  let lab: TempLab;
  let config: TempDir;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    lab.dispose();
    config.dispose();
  });

  it(
    'runs, lists, edits and exports through the server; refuses without a token; stops on SIGTERM',
    { timeout: TIMEOUT },
    async () => {
      lab = await tempLab();
      config = tempDir('shotline-config-');
      writeFileSync(join(lab.dir, 'scan.yaml'), scan(30));
      await lab.json([
        'device',
        'add',
        'slow',
        '--type',
        'shotline.testing.slow',
        '--set',
        'shotMs=2',
      ]);
      await lab.json(['seq', 'create', 'scan', '--file', join(lab.dir, 'scan.yaml')]);
      const env = { XDG_CONFIG_HOME: config.dir };
      const token = await lab.run(['token', 'create', 'alice', '--save'], { env });
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(/^slt_[0-9a-f]{16}\.\S+\n/);
      const served = await serve(lab, env);
      children.push(served.child);
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      // without a token the command line says what to do
      const refused = await lab.run(['seq', 'list']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /a shotline server owns this lab .*SHOTLINE_TOKEN.*token create/,
      );

      const run = await lab.run(['run', 'scan'], { env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`queued \\scan on ${served.url}`);
      expect(run.stderr).toContain('running \\scan: 30 shots');
      expect(run.stdout).toMatch(/^FINISHED: 30\/30 shots in [\d.]+ s/);

      const list = await lab.run(['--json', 'seq', 'list'], { env });
      expect(JSON.parse(list.stdout)).toEqual([
        { path: '\\scan', state: 'finished', completedShots: 30, expectedShots: 30 },
      ]);
      expect((await lab.run(['globals', 'set', 'mot.detuning=-2 MHz'], { env })).code).toBe(0);
      const get = await lab.run(['globals', 'get', 'mot.detuning'], { env });
      expect(get.stdout.trim()).toBe('-2 MHz');
      const csv = await lab.run(['export', 'scan', '--format', 'csv'], { env });
      expect(csv.code).toBe(0);
      expect(csv.stdout.trim().split('\n')).toHaveLength(31);
      const devices = await lab.run(['--json', 'device', 'list'], { env });
      expect((JSON.parse(devices.stdout) as { name: string }[]).map((d) => d.name)).toEqual([
        'slow',
      ]);
      expect((await lab.run(['--json', 'seq', 'reset', 'scan'], { env })).code).toBe(0);

      // a second server for the same lab is refused
      const second = await lab.run(['serve', '--listen', '127.0.0.1:0'], { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/a server already runs for this lab/);

      // Without its server file (as for a server on another PC of a shared database), the
      // storage's lab lock still refuses a second server, and a run on the lab, naming the server.
      const serverFile = join(lab.lab, '.shotline', 'server.json');
      renameSync(serverFile, `${serverFile}.away`);
      try {
        const server = `shotline serve 127\\.0\\.0\\.1 \\(host .+, pid ${served.child.pid}\\)`;
        const third = await lab.run(['serve', '--listen', '127.0.0.1:0'], { env });
        expect(third.code).toBe(1);
        expect(third.stderr).toMatch(new RegExp(`another server owns this lab: ${server}`));
        const direct = await lab.run(['run', 'scan'], { env });
        expect(direct.code).toBe(1);
        expect(direct.stderr).toMatch(new RegExp(`the lab is in use by ${server}`));
        const show = await lab.run(['--json', 'seq', 'show', 'scan'], { env });
        expect(JSON.parse(show.stdout)).toMatchObject({ state: 'draft' });
      } finally {
        renameSync(`${serverFile}.away`, serverFile);
      }

      // structured logs, no token in them
      const secret = token.stdout.split('\n')[0]!.split('.')[1]!;
      expect(served.stdout).not.toContain(secret);
      const lines = served.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: number });
      expect(lines.length).toBeGreaterThan(3);

      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
      expect(existsSync(join(lab.lab, '.shotline', 'server.json'))).toBe(false);
      // without a server the command line works on the lab directly again
      expect((await lab.run(['seq', 'list'])).code).toBe(0);
    },
  );

  it(
    'Ctrl-C on a run through the server asks the server to interrupt it',
    { timeout: TIMEOUT },
    async () => {
      lab = await tempLab();
      config = tempDir('shotline-config-');
      writeFileSync(join(lab.dir, 'scan.yaml'), scan(2000));
      await lab.json([
        'device',
        'add',
        'slow',
        '--type',
        'shotline.testing.slow',
        '--set',
        'shotMs=20',
      ]);
      await lab.json(['seq', 'create', 'long', '--file', join(lab.dir, 'scan.yaml')]);
      const env = { XDG_CONFIG_HOME: config.dir };
      expect((await lab.run(['token', 'create', 'alice', '--save'], { env })).code).toBe(0);
      const served = await serve(lab, env);
      children.push(served.child);
      let stderr = '';
      const result = await lab.run(['run', 'long'], {
        env,
        onStart: (child) => {
          child.stderr!.on('data', (d: Buffer) => {
            stderr += d.toString();
            if (stderr.includes('running \\long') && !stderr.includes('interrupting')) {
              stderr += 'interrupting';
              setTimeout(() => child.kill('SIGINT'), 300);
            }
          });
        },
      });
      expect(result.code, result.stderr).toBe(130);
      expect(result.stdout).toMatch(/^INTERRUPTED: \d+\/2000 shots/);
      const show = await lab.run(['--json', 'seq', 'show', 'long'], { env });
      expect(JSON.parse(show.stdout)).toMatchObject({ state: 'interrupted' });
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    },
  );
});
