import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createDevelopmentCertificates } from '@shotline/remote';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOTLINE_BIN, shotline, tempDir, tempLab, type TempLab } from '../cli.test-helper.js';

// `shotline device-server --config <file>` in a process of its own (as on a second PC) and
// `shotline devices --server <name>` from a lab whose file names it: real TLS on loopback, real
// tokens from files, the plugins installed next to the binary.

const TOKEN = 'cli-test-token-0123456789abcdef';

interface RemoteDevicesJson {
  server: string;
  serverName: string;
  manager: string;
  deviceTypes: {
    type: string;
    plugin: string;
    version: string | null;
    localVersion: string | null;
    usable: boolean;
  }[];
}

/** A device server started with the CLI, its port, its output and a way to stop it. */
interface CliDeviceServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 60_000);

/** Writes certificates, a token file and a device server configuration into `dir`. */
async function serverFiles(dir: string, extra = ''): Promise<{ config: string; ca: string }> {
  const certs = await createDevelopmentCertificates(join(dir, 'certs'));
  writeFileSync(join(dir, 'lab-pc.token'), `${TOKEN}\n`, { mode: 0o600 });
  const config = join(dir, 'device-server.yaml');
  writeFileSync(
    config,
    [
      'name: far-pc',
      'listen: 127.0.0.1:0',
      'tls: { cert: certs/server.crt, key: certs/server.key }',
      'managers:',
      '  lab-pc: { token: { file: lab-pc.token } }',
      'devices:',
      '  allow: [shotline.testing.slow, shotline.testing.noop]',
      "plugins: { allow: ['@shotline/testing'] }",
      extra,
    ].join('\n'),
  );
  return { config, ca: certs.caCert };
}

async function startCliDeviceServer(config: string): Promise<CliDeviceServer> {
  const child = spawn(process.execPath, [SHOTLINE_BIN, 'device-server', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'device server listening') resolve(entry.port!);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) =>
      reject(new Error(`shotline device-server exited (${code}) before listening: ${stderr}`)),
    );
  });
  return { child, port, stderr: () => stderr, exited };
}

/** A lab whose file names the server `far-pc` (CA and token from files). */
async function labWithServer(port: number, ca: string, token = TOKEN): Promise<TempLab> {
  const lab = await tempLab();
  cleanups.push(() => lab.dispose());
  writeFileSync(join(lab.dir, 'far-pc.token'), `${token}\n`, { mode: 0o600 });
  const file = join(lab.lab, 'shotline.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8') +
      [
        'servers:',
        '  far-pc:',
        `    address: localhost:${port}`,
        `    ca: ${JSON.stringify(ca)}`,
        `    token: { file: ${JSON.stringify(join(lab.dir, 'far-pc.token'))} }`,
        '    callTimeoutMs: 10000',
        '',
      ].join('\n'),
  );
  return lab;
}

describe('shotline device-server and shotline devices --server', () => {
  it('serves the allowed device types; devices --server lists them with plugin versions; SIGTERM stops it', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.dispose());
    const { config, ca } = await serverFiles(temp.dir);
    const server = await startCliDeviceServer(config);
    await expect
      .poll(() => server.stderr(), { timeout: 30_000 })
      .toContain(`device server "far-pc" on port ${server.port}`);
    const lab = await labWithServer(server.port, ca);

    const text = await lab.run(['devices', '--server', 'far-pc']);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`device server "far-pc" at localhost:${server.port}`);
    expect(text.stdout).toContain('this PC is manager "lab-pc"');
    expect(text.stdout).toMatch(
      /shotline\.testing\.slow\s+@shotline\/testing@0\.1\.0\s+same version on this PC/,
    );

    const json = await lab.json<RemoteDevicesJson>(['devices', '--server', 'far-pc']);
    expect(json).toMatchObject({ server: 'far-pc', serverName: 'far-pc', manager: 'lab-pc' });
    expect(json.deviceTypes.map((t) => t.type).sort()).toEqual([
      'shotline.testing.noop',
      'shotline.testing.slow',
    ]);
    for (const t of json.deviceTypes) {
      expect(t).toMatchObject({
        plugin: '@shotline/testing',
        version: '0.1.0',
        localVersion: '0.1.0',
        usable: true,
      });
    }

    const unknown = await lab.run(['devices', '--server', 'camera-pc']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain(
      'no device server "camera-pc" in the lab file (known: far-pc)',
    );
    const url = await lab.run(['devices', '--server', 'http://127.0.0.1:8765']);
    expect(url.code).not.toBe(0);
    expect(url.stderr).toContain("not a lab server's URL");

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('stopping: the devices close');
  }, 180_000);

  it('refuses a manager with a wrong token, naming the server; the server logs the refusal without the token', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.dispose());
    const { config, ca } = await serverFiles(temp.dir);
    const server = await startCliDeviceServer(config);
    const logged: string[] = [];
    createInterface({ input: server.child.stdout! }).on('line', (line) => logged.push(line));
    const lab = await labWithServer(server.port, ca, 'a-guessed-token-000000');
    const result = await lab.run(['devices', '--server', 'far-pc']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('device server "far-pc"');
    expect(result.stderr).toMatch(/token/i);
    await expect
      .poll(() => logged.some((l) => l.includes('refused: a call with an unknown bearer token')), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(logged.join('\n')).not.toContain('a-guessed-token');
    expect(logged.join('\n')).not.toContain(TOKEN);
  }, 180_000);

  it('device-server refuses a configuration that is not valid, naming the file and the setting', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.dispose());
    const { config } = await serverFiles(temp.dir);
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('listen: 127.0.0.1:0', 'listen: nowhere'),
    );
    const bad = await shotline(['device-server', '--config', config]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('device-server.yaml');
    expect(bad.stderr).toContain('listen');

    const missing = await shotline(['device-server']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--config');

    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace('listen: nowhere', 'listen: 127.0.0.1:0')
        .replace('shotline.testing.noop', 'shotline.remote'),
    );
    const remote = await shotline(['device-server', '--config', config]);
    expect(remote.code).not.toBe(0);
    expect(remote.stderr).toContain('devices.allow');
    expect(remote.stderr).toContain('shotline.remote');
  }, 180_000);
});
