import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  DeviceRegistry,
  ExperimentManager,
  ExperimentSession,
  ShotlineEventBus,
} from '@shotline/core';
import { MemorySessionStorage, countingScan, testingPlugin } from '@shotline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remotePlugin } from '../plugin.js';
import { testCertificates } from '../testing/remote-lab.test-helper.js';
import { REMOTE_DEVICE_TYPE } from './remote-device-type.js';
import { RemoteServers } from './remote-servers.js';

// A device server in its own process (the built dist, as on another PC), killed with SIGKILL in the
// middle of a shot: the shot fails within the loss bound with an error naming server and device,
// the sequence ends CRASHED with the shots before it stored once, and every device is closed.

const TOKEN = 'loss-test-token-0123456789';
const SERVER = (cert: string, key: string): string => `
import { readFileSync } from 'node:fs';
import { DeviceRegistry } from '@shotline/core';
import { DeviceServer } from '@shotline/remote';
import { testingPlugin } from '@shotline/testing';
const registry = new DeviceRegistry();
await registry.use(testingPlugin);
await DeviceServer.start({
  name: 'far-pc', registry, listen: '127.0.0.1:0', allow: ['shotline.testing.slow'],
  managers: [{ name: 'lab', token: '${TOKEN}' }],
  tls: { cert: readFileSync(${JSON.stringify(cert)}), key: readFileSync(${JSON.stringify(key)}) },
  logger: (e) => console.log(JSON.stringify(e)),
});
`;

let certs: Awaited<ReturnType<typeof testCertificates>>;
beforeAll(async () => {
  certs = await testCertificates();
}, 60_000);
afterAll(() => certs.dispose());

async function startServerProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', SERVER(certs.certs.serverCert, certs.certs.serverKey)],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: new URL('../..', import.meta.url).pathname },
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; port?: number };
      if (entry.msg === 'device server listening') resolve(entry.port!);
    });
    child.once('exit', (code) => reject(new Error(`the device server exited (${code})`)));
  });
  return { child, port };
}

describe('a device server lost in the middle of a shot', () => {
  it('fails the shot within the bound, naming server and device; the sequence crashes with earlier shots stored once', async () => {
    const { child, port } = await startServerProcess();
    const servers = new RemoteServers([
      {
        name: 'far-pc',
        address: `localhost:${port}`,
        token: TOKEN,
        ca: readFileSync(certs.certs.caCert),
        lossTimeoutMs: 2000,
      },
    ]);
    const registry = new DeviceRegistry();
    await registry.use(testingPlugin);
    await registry.use(remotePlugin);
    servers.registerIn(registry.container);
    const storage = new MemorySessionStorage();
    const session = new ExperimentSession(storage, registry);
    await session.setDeviceConfiguration({
      name: 'slowpoke',
      type: REMOTE_DEVICE_TYPE,
      configuration: {
        server: 'far-pc',
        type: 'shotline.testing.slow',
        configuration: { shotMs: 400 },
      },
    });
    await session.setDeviceConfiguration({
      name: 'local',
      type: 'shotline.testing.slow',
      configuration: { shotMs: 1 },
    });
    await session.createSequence('\\lost', countingScan(10));
    const events = new ShotlineEventBus();
    let killedAt = 0;
    events.on('shot-started', (e) => {
      if (e.index === 3 && killedAt === 0) {
        // Mid-shot: the remote controller sleeps 400 ms after the barrier.
        setTimeout(() => {
          killedAt = Date.now();
          child.kill('SIGKILL');
        }, 100);
      }
    });
    const manager = await ExperimentManager.create({ storage, registry, events });
    let error: unknown;
    try {
      await manager.createProcedure('lost').run((p) => p.runSequence('\\lost'));
    } catch (e) {
      error = e;
    } finally {
      await manager.close();
      servers.close();
      child.kill('SIGKILL');
    }
    const failedAt = Date.now();
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('device server "far-pc"');
    expect(message).toContain('device "slowpoke"');
    expect(message).toContain('shot 3');
    // Within the bound (2 s) plus teardown; generous for a busy machine, not a speed assertion.
    expect(failedAt - killedAt).toBeLessThan(30_000);
    expect(await session.state('\\lost')).toBe('crashed');
    const summary = (await session.sequence('\\lost')).error;
    expect(JSON.stringify(summary)).toContain('REMOTE_SERVER_LOST');
    const indices = await session.shotIndices('\\lost');
    expect(indices).toEqual([0, 1, 2]);
  }, 60_000);
});
