// What the experiment server costs: the same 2,000 zero-duration shots with simulated devices (a
// 64x64 camera and three no-op devices, in-memory storage) run in-process (ExperimentManager.create)
// and through the server (a LabServer in this process, the script in its own process using
// ExperimentManager.connect), alternately, RUNS times each. Figures are medians over the runs:
//   inprocess_shots_per_s / server_shots_per_s      shots / time RUNNING (first start -> last stored)
//   inprocess_period_p99_ms / server_period_p99_ms  p99 of the shot period (start n -> start n+1),
//                                                   all framework time with zero-duration shots
//   server_added_p99_ms                             server p99 period minus in-process p99 period
//   event_latency_ms_p50 / event_latency_ms_p99     engine event -> a WebSocket client in another
//                                                   process (receive time minus the server's stamp)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ArangeLoop,
  ExecuteShot,
  ExperimentManager,
  IterationConfiguration,
  TimeLanes,
} from '../../packages/core/dist/index.js';
import { createApiToken, LabServer } from '../../packages/server/dist/index.js';
import { createSimulatedLab } from '../../packages/testing/dist/index.js';
import { median, percentile, report, round } from './lib.mjs';

const SHOTS = Number(process.env.SHOTS ?? 2000);
const RUNS = Number(process.env.RUNS ?? 5);
const run = promisify(execFile);

async function lab() {
  const devices = [
    {
      name: 'camera',
      type: 'shotline.testing.data-producer',
      configuration: { width: 64, height: 64 },
    },
    ...Array.from({ length: 3 }, (_, i) => ({
      name: `dev${i}`,
      type: 'shotline.testing.noop',
      configuration: {},
    })),
  ];
  const l = await createSimulatedLab({ devices, record: false });
  await l.session.createSequence('\\bench', {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(SHOTS),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['run'], stepDurations: ['1 us'] }),
  });
  return l;
}

/** Shot starts and the last store time, from the engine's events on the server side. */
function watch(events) {
  const starts = new Float64Array(SHOTS);
  const state = { first: 0, last: 0 };
  events.on('shot-started', (e) => {
    starts[e.index] = performance.now();
    if (e.index === 0) state.first = starts[0];
  });
  events.on('shot-stored', (e) => {
    if (e.storedShots === SHOTS) state.last = performance.now();
  });
  return () => {
    const periods = [];
    for (let i = 1; i < SHOTS; i++) periods.push(starts[i] - starts[i - 1]);
    return { shotsPerS: SHOTS / ((state.last - state.first) / 1000), p99: percentile(periods, 99) };
  };
}

async function inProcess() {
  const l = await lab();
  const manager = await ExperimentManager.create({
    storage: l.storage,
    registry: l.registry,
    events: l.events,
  });
  const figures = watch(l.events);
  await manager.createProcedure('bench').run((p) => p.runSequence('\\bench'));
  await manager.close();
  return figures();
}

/** The script: a raw WebSocket for the latencies, ExperimentManager.connect to run the sequence. */
const CLIENT = `
import WebSocket from 'ws';
import { ExperimentManager } from '@shotline/core';
const [url, token] = process.argv.slice(1);
const latencies = [];
const socket = new WebSocket(url.replace('http', 'ws') + '/api/events', ['shotline.v1', 'shotline.bearer.' + token]);
socket.on('message', (data) => {
  const now = performance.timeOrigin + performance.now();
  for (const line of String(data).split('\\n')) {
    const m = JSON.parse(line);
    if (m.kind === 'event') latencies.push(now - m.at);
  }
});
await new Promise((r) => socket.once('open', r));
const manager = await ExperimentManager.connect(url, { token });
await manager.createProcedure('bench').run((p) => p.runSequence('\\\\bench'));
await manager.close();
await new Promise((r) => setTimeout(r, 200));
socket.close();
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
console.log(JSON.stringify({ events: latencies.length, p50: at(0.5), p99: at(0.99) }));
`;

async function throughServer() {
  const l = await lab();
  const server = await LabServer.create({
    storage: l.storage,
    registry: l.registry,
    logger: false,
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await createApiToken(l.storage, 'bench', ['read', 'run']);
  const figures = watch(server.manager.events);
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CLIENT, url, token],
    {
      cwd: process.cwd(),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const latency = JSON.parse(stdout.trim().split('\n').pop());
  await server.close();
  if ((await l.session.state('\\bench')) !== 'finished')
    throw new Error('the sequence did not finish');
  return { ...figures(), latency };
}

const local = [];
const remote = [];
for (let r = 0; r < RUNS; r++) {
  const a = await inProcess();
  const b = await throughServer();
  local.push(a);
  remote.push(b);
  console.log(
    `run ${r + 1}: in-process ${round(a.shotsPerS, 0)} shots/s, period p99 ${round(a.p99)} ms | ` +
      `server ${round(b.shotsPerS, 0)} shots/s, period p99 ${round(b.p99)} ms, ` +
      `event latency p50 ${round(b.latency.p50)} ms p99 ${round(b.latency.p99)} ms (${b.latency.events} events)`,
  );
}
const m = (rows, f) => median(rows.map(f));
report('server-overhead', {
  inprocess_shots_per_s: round(
    m(local, (r) => r.shotsPerS),
    0,
  ),
  server_shots_per_s: round(
    m(remote, (r) => r.shotsPerS),
    0,
  ),
  inprocess_period_p99_ms: round(m(local, (r) => r.p99)),
  server_period_p99_ms: round(m(remote, (r) => r.p99)),
  server_added_p99_ms: round(m(remote, (r) => r.p99) - m(local, (r) => r.p99)),
  event_latency_ms_p50: round(m(remote, (r) => r.latency.p50)),
  event_latency_ms_p99: round(m(remote, (r) => r.latency.p99)),
  shots: SHOTS,
  runs: RUNS,
});
