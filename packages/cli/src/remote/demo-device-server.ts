import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceConfiguration } from '@shotline/core';
import { REMOTE_DEVICE_TYPE, createDevelopmentCertificates } from '@shotline/remote';
import { DemoError } from '../cli-errors.js';

/** Name of the demo's device server. */
export const DEMO_DEVICE_SERVER = 'camera-pc';

/** The demo's camera on a device server in another process (`npm run demo -- --remote`). */
export interface DemoDeviceServer extends AsyncDisposable {
  /** `localhost:<port>`. */
  readonly address: string;
  /** The `servers:` section of the demo lab's file. */
  readonly labFileSection: string;
  /** Where its JSON-lines log goes. */
  readonly logFile: string;
  /** The device configuration, moved to the device server. */
  remote(device: DeviceConfiguration): DeviceConfiguration;
  /** Stops the device server (SIGTERM) and waits for it to exit. */
  close(): Promise<void>;
}

/**
 * Starts `shotline device-server` in a child process for the demo, as a second PC would run it:
 * throwaway certificates (openssl) and a random token in `<lab>/.shotline/remote/` (mode 0600), a
 * configuration allowing the simulated camera, and a TLS listener on localhost (any free port).
 */
export async function startDemoDeviceServer(labDir: string): Promise<DemoDeviceServer> {
  const dir = join(labDir, '.shotline', 'remote');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certs = await createDevelopmentCertificates(join(dir, 'certs'), { days: 2 });
  const tokenFile = join(dir, 'demo-lab.token');
  await writeFile(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  const configFile = join(dir, 'device-server.yaml');
  await writeFile(
    configFile,
    [
      '# The demo device server (started by `shotline demo --remote`).',
      `name: ${DEMO_DEVICE_SERVER}`,
      'listen: 127.0.0.1:0',
      'tls: { cert: certs/server.crt, key: certs/server.key }',
      'managers:',
      '  demo-lab: { token: { file: demo-lab.token } }',
      'devices:',
      '  allow: [shotline.camera.simulated]',
      "plugins: { allow: ['@shotline/camera'] }",
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'device-server.log');
  const { createWriteStream } = await import('node:fs');
  const log = createWriteStream(logFile);
  const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'device-server', '--config', configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr!.pipe(log);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new DemoError(`the demo device server did not start within 30 s (log: ${logFile})`)),
      30_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'device server listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new DemoError(`the demo device server exited (code ${code}); log: ${logFile}`));
    });
  });
  const address = `localhost:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      log.end();
    })();
    return closing;
  };
  return {
    address,
    logFile,
    labFileSection: [
      '',
      '# Device servers: the demo camera runs on one (shotline demo --remote).',
      'servers:',
      `  ${DEMO_DEVICE_SERVER}:`,
      `    address: ${address}`,
      `    ca: ${relative(labDir, certs.caCert)}`,
      `    token: { file: .shotline/remote/demo-lab.token }`,
      '',
    ].join('\n'),
    remote: (device) => ({
      name: device.name,
      type: REMOTE_DEVICE_TYPE,
      configuration: {
        server: DEMO_DEVICE_SERVER,
        type: device.type,
        // A simulated trigger line does not cross PCs: on the device server, the camera takes its
        // pictures on the shot's clock (a real camera gets the sequencer's trigger by cable).
        configuration: { ...(device.configuration as object), externalTrigger: false },
      },
    }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
