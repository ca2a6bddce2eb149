// What a device server costs: the same zero-duration shots with 3 simulated no-op devices, run with
// the devices local and with the devices on a device server in another process (gRPC over loopback
// TLS, bearer token), alternately, RUNS times each; then the same with one 512x512 uint16 image
// producer, local vs remote. In-memory storage. Figures are medians over the runs:
//   rpc_us_p50 / rpc_us_p99        a remote shot's run time (first controller start -> last
//                                  controller done: the round trips start, ready, barrier, done of
//                                  all 3 devices, concurrently), per shot
//   local_us_p50 / local_us_p99    the same with the devices local
//   local_shots_per_s / remote_shots_per_s   shots / time RUNNING (first start -> last stored)
//   image_added_ms_p50             p50 run time of a shot with a remote 512x512 uint16 image minus
//                                  the same with the image producer local
//   per_shot_stream_*              the remote figures with a stream opened per shot and device
//                                  (reuseShotStreams: false), as the first version did, in the same
//                                  run: what one stream per device for its shots saves
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ArangeLoop,
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  ShotlineEventBus,
  TimeLanes,
} from '../../packages/core/dist/index.js';
import {
  RemoteServers,
  createDevelopmentCertificates,
  remotePlugin,
} from '../../packages/remote/dist/index.js';
import { MemorySessionStorage, testingPlugin } from '../../packages/testing/dist/index.js';
import { median, percentile, report, round } from './lib.mjs';

const SHOTS = Number(process.env.SHOTS ?? 2000);
const IMAGE_SHOTS = Number(process.env.IMAGE_SHOTS ?? 300);
const RUNS = Number(process.env.RUNS ?? 5);
const TOKEN = 'bench-token-0123456789abcdef';

/** The device server, in its own process (as on another PC). */
const SERVER = `
import { readFileSync } from 'node:fs';
import { DeviceRegistry } from '${new URL('../../packages/core/dist/index.js', import.meta.url)}';
import { DeviceServer } from '${new URL('../../packages/remote/dist/index.js', import.meta.url)}';
import { testingPlugin } from '${new URL('../../packages/testing/dist/index.js', import.meta.url)}';
const [cert, key] = process.argv.slice(1);
const registry = new DeviceRegistry();
await registry.use(testingPlugin);
const server = await DeviceServer.start({
  name: 'bench-pc', registry, listen: '127.0.0.1:0',
  allow: ['shotline.testing.noop', 'shotline.testing.data-producer'],
  managers: [{ name: 'bench', token: '${TOKEN}' }],
  tls: { cert: readFileSync(cert), key: readFileSync(key) },
  logger: (e) => { if (e.msg === 'device server listening') console.log(JSON.stringify({ port: e.port })); },
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
`;

async function startServer(certs) {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', SERVER, certs.serverCert, certs.serverKey],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`device server exited (${code})`)));
  });
  return { port, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

function devices(kind, remote) {
  const inner =
    kind === 'noop'
      ? [0, 1, 2].map((i) => ({
          name: `dev${i}`,
          type: 'shotline.testing.noop',
          configuration: {},
        }))
      : [
          {
            name: 'camera',
            type: 'shotline.testing.data-producer',
            configuration: { width: 512, height: 512 },
          },
        ];
  if (!remote) return inner;
  return inner.map((d) => ({
    name: d.name,
    type: 'shotline.remote',
    configuration: { server: 'bench-pc', type: d.type, configuration: d.configuration },
  }));
}

async function runOnce(kind, remote, servers, shots) {
  const registry = new DeviceRegistry();
  await registry.use(testingPlugin);
  await registry.use(remotePlugin);
  servers.registerIn(registry.container);
  const storage = new MemorySessionStorage();
  const session = new ExperimentSession(storage, registry);
  for (const d of devices(kind, remote)) await session.setDeviceConfiguration(d);
  await session.createSequence('\\bench', {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(shots),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['shot'], stepDurations: ['0 s'] }),
  });
  const events = new ShotlineEventBus();
  const runUs = [];
  const state = { first: 0, last: 0 };
  events.on('shot-started', (e) => {
    if (e.index === 0) state.first = performance.now();
  });
  events.on('shot-finished', (e) => runUs.push(e.runMs * 1000));
  events.on('shot-stored', (e) => {
    if (e.storedShots === shots) state.last = performance.now();
  });
  const manager = await ExperimentManager.create({ storage, registry, events });
  await manager.createProcedure('bench').run((p) => p.runSequence('\\bench'));
  await manager.close();
  await storage.close();
  return {
    p50: percentile(runUs, 50),
    p99: percentile(runUs, 99),
    shotsPerS: shots / ((state.last - state.first) / 1000),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'shotline-bench-remote-'));
const certs = await createDevelopmentCertificates(dir);
const server = await startServer(certs);
const serverOptions = {
  name: 'bench-pc',
  address: `localhost:${server.port}`,
  token: TOKEN,
  ca: await readFile(certs.caCert),
};
const servers = new RemoteServers([serverOptions]);
const perShotServers = new RemoteServers([{ ...serverOptions, reuseShotStreams: false }]);
const results = { local: [], remote: [], perShot: [], imageLocal: [], imageRemote: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    results.local.push(await runOnce('noop', false, servers, SHOTS));
    results.remote.push(await runOnce('noop', true, servers, SHOTS));
    results.perShot.push(await runOnce('noop', true, perShotServers, SHOTS));
    results.imageLocal.push(await runOnce('image', false, servers, IMAGE_SHOTS));
    results.imageRemote.push(await runOnce('image', true, servers, IMAGE_SHOTS));
    const r = results.remote.at(-1);
    console.log(
      `run ${run + 1}/${RUNS}: remote p50 ${round(r.p50 / 1000)} ms, p99 ${round(r.p99 / 1000)} ms, ` +
        `${round(r.shotsPerS, 1)} shots/s (local ${round(results.local.at(-1).shotsPerS, 1)}; ` +
        `stream per shot: p50 ${round(results.perShot.at(-1).p50 / 1000)} ms, ` +
        `${round(results.perShot.at(-1).shotsPerS, 1)} shots/s); ` +
        `image +${round((results.imageRemote.at(-1).p50 - results.imageLocal.at(-1).p50) / 1000)} ms`,
    );
  }
} finally {
  servers.close();
  perShotServers.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
const med = (list, key) => median(list.map((r) => r[key]));
report('remote-shot', {
  shots: SHOTS,
  runs: RUNS,
  devices: 3,
  rpc_us_p50: round(med(results.remote, 'p50'), 0),
  rpc_us_p99: round(med(results.remote, 'p99'), 0),
  local_us_p50: round(med(results.local, 'p50'), 0),
  local_us_p99: round(med(results.local, 'p99'), 0),
  local_shots_per_s: round(med(results.local, 'shotsPerS'), 1),
  remote_shots_per_s: round(med(results.remote, 'shotsPerS'), 1),
  per_shot_stream_rpc_us_p50: round(med(results.perShot, 'p50'), 0),
  per_shot_stream_rpc_us_p99: round(med(results.perShot, 'p99'), 0),
  per_shot_stream_shots_per_s: round(med(results.perShot, 'shotsPerS'), 1),
  image_shots: IMAGE_SHOTS,
  image_added_ms_p50: round(
    (med(results.imageRemote, 'p50') - med(results.imageLocal, 'p50')) / 1000,
    3,
  ),
});
