import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeviceRegistry,
  ExperimentManager,
  ExperimentSession,
  ShotlineEventBus,
} from '@shotline/core';
import {
  MemorySessionStorage,
  SIMULATION_RECORDER_TOKEN,
  SimulationRecorder,
  countingScan,
  testingPlugin,
} from '@shotline/testing';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
  createDevelopmentCertificates,
  type DevelopmentCertificates,
} from '../dev-certificates.js';
import { remotePlugin } from '../plugin.js';
import type { DeviceServerLogEntry } from '../server/device-server-log.js';
import {
  JsonLines,
  TwoHosts,
  networkNamespacesUnavailable,
  startDelayingRelay,
} from '../testing/network-namespaces.test-helper.js';
import { REMOTE_DEVICE_TYPE } from './remote-device-type.js';
import { RemoteServers } from './remote-servers.js';
import type { RemoteServerOptions } from './remote-server-options.js';

// Two hosts on one machine: the manager in this process's network namespace, the device server in
// a namespace of its own (another process, the built dist), joined by a veth pair. Real faults on
// that path: kill -9 of the server mid-shot, the link taken down mid-shot and brought back, a
// server restarted between shots, a slow link. Each ends the sequence as the seed's error rules
// say (CRASHED, the shots before it stored once), with an error naming server and device, and every
// device closed on both sides.

const unavailable = networkNamespacesUnavailable();
if (unavailable) {
  console.warn(`network-faults.spec.ts: skipped, ${unavailable}`);
}

const TOKEN = 'netns-test-token-0123456789';
const SERVER = 'far-pc';
/** The name in the server's certificate (the manager connects by address, checks this name). */
const CERT_NAME = 'far-pc.lab';
const PORT = 7300;
/** Generous: these tests catch hangs, they do not measure speed. */
const TEST_TIMEOUT = 180_000;

type LogEntry = DeviceServerLogEntry & { device?: string; reason?: string; port?: number };

let certDir: string;
let certs: DevelopmentCertificates;
beforeAll(async () => {
  if (unavailable) return;
  certDir = await mkdtemp(join(tmpdir(), 'shotline-netns-certs-'));
  certs = await createDevelopmentCertificates(certDir, { dnsNames: [CERT_NAME] });
}, 60_000);
afterAll(async () => {
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** What each test made, undone after it even when it failed. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.resolve(cleanup()).catch(() => undefined);
  }
}, 60_000);

/** A device server process inside the server's namespace, and its log. */
interface ServerProcess {
  readonly child: ChildProcess;
  readonly log: JsonLines<LogEntry>;
  readonly exited: Promise<void>;
}

async function startServer(hosts: TwoHosts, settings: object): Promise<ServerProcess> {
  const child = hosts.spawn(
    process.execPath,
    [new URL('../../test-fixtures/namespace-device-server.mjs', import.meta.url).pathname],
    {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, SHOTLINE_TEST_DEVICE_SERVER: JSON.stringify(settings) },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    exited,
    log: new JsonLines<LogEntry>(child),
  };
}

/** Starts the device server in the namespace and waits until it listens. */
async function serverIn(hosts: TwoHosts): Promise<ServerProcess> {
  const server = await startServer(hosts, {
    name: SERVER,
    listen: `${hosts.serverAddress}:${PORT}`,
    allow: ['shotline.testing.slow'],
    token: TOKEN,
    cert: certs.serverCert,
    key: certs.serverKey,
    maxLeaseMs: 60_000,
  });
  const listening = server.log.waitFor(
    (e) => e.msg === 'device server listening',
    'device server listening',
    60_000,
  );
  const exitedFirst = server.exited.then(() => {
    throw new Error('the device server exited before it listened');
  });
  exitedFirst.catch(() => undefined);
  await Promise.race([listening, exitedFirst]);
  return server;
}

async function twoHosts(): Promise<TwoHosts> {
  const hosts = await TwoHosts.create();
  cleanups.push(() => hosts.dispose());
  return hosts;
}

/** A manager's lab: a remote slow device on the far PC and a local one, in memory storage. */
async function managerLab(server: Partial<RemoteServerOptions> & { address: string }) {
  const servers = new RemoteServers([
    {
      name: SERVER,
      token: TOKEN,
      ca: await readFile(certs.caCert),
      serverName: CERT_NAME,
      lossTimeoutMs: 2000,
      leaseMs: 3000,
      callTimeoutMs: 3000,
      ...server,
    },
  ]);
  cleanups.push(() => servers.close());
  const registry = new DeviceRegistry();
  const recorder = new SimulationRecorder();
  registry.container.registerInstance(SIMULATION_RECORDER_TOKEN, recorder);
  await registry.use(testingPlugin);
  await registry.use(remotePlugin);
  servers.registerIn(registry.container);
  const storage = new MemorySessionStorage();
  const session = new ExperimentSession(storage, registry);
  await session.setDeviceConfiguration({
    name: 'camera',
    type: REMOTE_DEVICE_TYPE,
    configuration: {
      server: SERVER,
      type: 'shotline.testing.slow',
      configuration: { shotMs: 300 },
    },
  });
  await session.setDeviceConfiguration({
    name: 'local',
    type: 'shotline.testing.slow',
    configuration: { shotMs: 1 },
  });
  const events = new ShotlineEventBus();
  /** Runs one sequence in a manager of its own; resolves with the error it ended with. */
  const runSequence = async (name: string, shots: number): Promise<unknown> => {
    await session.createSequence(`\\${name}`, countingScan(shots));
    // Shots may take long here (a lab's long shots): the loss of the server (2 s) is detected by
    // the remote device, before the shot's own timeout (default 2 s + twice its duration).
    const manager = await ExperimentManager.create({
      storage,
      registry,
      events,
      pipeline: { shotTimeoutMs: 60_000 },
    });
    try {
      await manager.createProcedure(name).run((p) => p.runSequence(`\\${name}`));
      return undefined;
    } catch (e) {
      return e;
    } finally {
      await manager.close();
    }
  };
  return { session, events, recorder, runSequence };
}

/** The shots stored for a sequence are 0..n-1, each once. */
async function storedShots(session: ExperimentSession, sequence: string): Promise<number[]> {
  const indices = await session.shotIndices(sequence);
  expect(indices).toEqual(indices.map((_, i) => i));
  return indices;
}

function expectNamesServerAndDevice(error: unknown): string {
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).toContain(`device server "${SERVER}"`);
  expect(message).toContain('device "camera"');
  return message;
}

/** Waits until the server logged that it closed the device (for `reason`, when given). */
function serverClosed(server: ServerProcess, reason?: RegExp): Promise<LogEntry> {
  return server.log.waitFor(
    (e) =>
      e.msg === 'device closed' &&
      e.device === 'camera' &&
      (!reason || reason.test(e.reason ?? '')),
    `device closed${reason ? ` (${reason})` : ''}`,
    60_000,
  );
}

describe.skipIf(unavailable !== undefined)(
  'a device server on another host (network namespaces)',
  () => {
    it(
      'kill -9 of the device server mid-shot: the shot fails naming server and device; earlier shots stored once',
      async () => {
        const hosts = await twoHosts();
        const server = await serverIn(hosts);
        const lab = await managerLab({ address: `${hosts.serverAddress}:${PORT}` });
        lab.events.on('shot-started', (e) => {
          if (e.index === 3) setTimeout(() => server.child.kill('SIGKILL'), 100);
        });
        const error = await lab.runSequence('killed', 10);
        const message = expectNamesServerAndDevice(error);
        expect(message).toContain('shot 3');
        expect(await lab.session.state('\\killed')).toBe('crashed');
        expect(JSON.stringify((await lab.session.sequence('\\killed')).error)).toContain(
          'REMOTE_SERVER_LOST',
        );
        expect(await storedShots(lab.session, '\\killed')).toEqual([0, 1, 2]);
        expect(lab.recorder.closedDevices()).toEqual(['local']);
        await server.exited;
      },
      TEST_TIMEOUT,
    );

    it(
      'the link goes down mid-shot, then up: the shot fails naming server and device; the server closes the device when its lease expires; the next sequence runs',
      async () => {
        const hosts = await twoHosts();
        const server = await serverIn(hosts);
        const lab = await managerLab({ address: `${hosts.serverAddress}:${PORT}` });
        let down: Promise<void> | undefined;
        lab.events.on('shot-started', (e) => {
          if (e.index === 3 && !down) down = hosts.linkDown();
        });
        const error = await lab.runSequence('cut', 10);
        await down;
        const message = expectNamesServerAndDevice(error);
        expect(message).toContain('shot 3');
        expect(await lab.session.state('\\cut')).toBe('crashed');
        expect(await storedShots(lab.session, '\\cut')).toEqual([0, 1, 2]);
        expect(lab.recorder.closedDevices()).toEqual(['local']);
        // The manager could not reach the server to close the device: its lease runs out there.
        await hosts.linkUp();
        const closed = await serverClosed(server, /lease/);
        expect(closed.reason).toContain('lease of manager "lab" expired');

        // The link is back: the next sequence reconnects and runs to its end.
        const after = await lab.runSequence('after', 3);
        expect(after).toBeUndefined();
        expect(await lab.session.state('\\after')).toBe('finished');
        expect(await storedShots(lab.session, '\\after')).toEqual([0, 1, 2]);
        await serverClosed(server, /manager closed it/);
      },
      TEST_TIMEOUT,
    );

    it(
      'a device server restarted between shots: the sequence crashes naming server and device; the next sequence runs on the new server',
      async () => {
        const hosts = await twoHosts();
        const first = await serverIn(hosts);
        const lab = await managerLab({ address: `${hosts.serverAddress}:${PORT}` });
        let restarted: Promise<ServerProcess> | undefined;
        lab.events.on('shot-finished', (e) => {
          if (e.index !== 2 || restarted) return;
          restarted = (async () => {
            first.child.kill('SIGTERM');
            await first.exited;
            return serverIn(hosts);
          })();
        });
        const error = await lab.runSequence('restart', 20);
        expectNamesServerAndDevice(error);
        expect(await lab.session.state('\\restart')).toBe('crashed');
        const stored = await storedShots(lab.session, '\\restart');
        expect(stored.length).toBeGreaterThanOrEqual(3);
        expect(stored.length).toBeLessThan(20);
        // The stopped server closed the device it hosted before it exited.
        expect(
          first.log.entries.some((e) => e.msg === 'device closed' && e.device === 'camera'),
        ).toBe(true);
        expect(lab.recorder.closedDevices()).toEqual(['local']);

        const second = await restarted!;
        const after = await lab.runSequence('after-restart', 3);
        expect(after).toBeUndefined();
        expect(await storedShots(lab.session, '\\after-restart')).toEqual([0, 1, 2]);
        await serverClosed(second, /manager closed it/);
      },
      TEST_TIMEOUT,
    );

    it(
      'a slow link (50 ms each way): the sequence runs to its end, every shot stored once',
      async () => {
        const hosts = await twoHosts();
        const server = await serverIn(hosts);
        let address = `${hosts.serverAddress}:${PORT}`;
        if (await hosts.netem('delay', '50ms', 'loss', '1%')) {
          console.info(
            'network-faults.spec.ts: tc netem delay 50ms loss 1% on both ends of the link',
          );
        } else {
          // This kernel has no sch_netem: a relay in the manager's namespace delays every chunk.
          console.info(
            'network-faults.spec.ts: the kernel has no tc netem; a relay delays each direction by 50 ms',
          );
          const relay = await startDelayingRelay({ host: hosts.serverAddress, port: PORT }, 50);
          cleanups.push(() => relay.close());
          address = `127.0.0.1:${relay.port}`;
        }
        const lab = await managerLab({ address });
        const error = await lab.runSequence('slow-link', 5);
        expect(error).toBeUndefined();
        expect(await lab.session.state('\\slow-link')).toBe('finished');
        expect(await storedShots(lab.session, '\\slow-link')).toEqual([0, 1, 2, 3, 4]);
        expect(lab.recorder.closedDevices()).toEqual(['local']);
        await serverClosed(server, /manager closed it/);
      },
      TEST_TIMEOUT,
    );
  },
);
