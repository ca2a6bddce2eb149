import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shotline, tempDir, type CliResult, type TempDir } from '../cli.test-helper.js';

describe('shotline demo', () => {
  let temp: TempDir;
  let first: CliResult;
  beforeAll(async () => {
    temp = tempDir();
    first = await shotline(['demo', '--dir', 'demo-lab'], { cwd: temp.dir });
  }, 120_000);
  afterAll(() => temp.dispose());

  it('runs the 2-D scan on the simulated instruments and prints a summary with next commands', () => {
    expect(first.stderr).not.toMatch(/^error/m);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^FINISHED: 50\/50 shots of \\demo\\scan in [\d.]+ s/m);
    expect(first.stdout).toMatch(
      /waveplate\s+shotline\.serial\.ell14\s+(pseudo-terminal|in-memory)/,
    );
    expect(first.stdout).toMatch(
      /rf\s+shotline\.visa\.sdg6000x\s+TCPIP0?::127\.0\.0\.1::\d+::SOCKET/,
    );
    expect(first.stdout).toMatch(/data: {2}.*demo-lab\/shotline\.sqlite \([\d.]+ [kM]?B\)/);
    expect(first.stdout).toContain("--lab demo-lab seq show '\\demo\\scan'");
  });

  it('stores 50 shots with the parameters, the picture and the measured angle', async () => {
    const show = await shotline(['--lab', 'demo-lab', '--json', 'seq', 'show', 'demo\\scan'], {
      cwd: temp.dir,
    });
    expect(JSON.parse(show.stdout)).toMatchObject({ state: 'finished', completedShots: 50 });
    const csv = await shotline(['--lab', 'demo-lab', 'export', 'demo\\scan'], { cwd: temp.dir });
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(
      /^shot,start_time,end_time,rf\.carrier \[MHz\],rf\.power \[dBm\],detuning \[MHz\],angle \[°\],waveplate\\position$/,
    );
  });

  it('runs again in the same lab (the sequence is reset)', async () => {
    const again = await shotline(['demo', '--dir', 'demo-lab'], { cwd: temp.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^FINISHED: 50\/50 shots/m);
    expect(again.stdout).toContain('reused and reset');
  }, 120_000);
});

describe('shotline demo --remote', () => {
  let temp: TempDir;
  afterAll(() => temp.dispose());

  it('runs the camera on a device server in another process (gRPC over TLS) and stores its pictures', async () => {
    temp = tempDir();
    const result = await shotline(['demo', '--remote', '--dir', 'demo-lab'], { cwd: temp.dir });
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/the camera runs on device server "camera-pc" at localhost:\d+/);
    expect(result.stdout).toMatch(/^FINISHED: 50\/50 shots of \\demo\\scan/m);
    expect(result.stdout).toMatch(
      /camera\s+shotline\.remote\s+device server camera-pc \(localhost:\d+, TLS\)/,
    );
    const show = await shotline(['--lab', 'demo-lab', '--json', 'seq', 'show', 'demo\\scan'], {
      cwd: temp.dir,
    });
    expect(JSON.parse(show.stdout)).toMatchObject({ state: 'finished', completedShots: 50 });
    // The device server's log: the camera was opened there and closed when the run ended.
    const log = readFileSync(join(temp.dir, 'demo-lab/.shotline/remote/device-server.log'), 'utf8');
    expect(log).toContain('"msg":"device opened"');
    expect(log).toContain('"msg":"device closed"');
  }, 300_000);
});
