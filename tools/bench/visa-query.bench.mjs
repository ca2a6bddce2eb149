// VISA round trips against the loopback SCPI simulator, which runs in a child process of its own
// so that the clients measured here do not share its event loop:
// - query_us_p50 / query_us_p99: latency of each of 1,000 `*IDN?` over a raw SOCKET (pure TCPIP
//   backend); median over runs of each run's percentile;
// - read_20mb_ms: one 20 MB reply over SOCKET (write `DATA?`, read it whole), median over runs;
// - pyvisa_read_20mb_ms / pyvisa_query_us_p50: the same with Debian's pyvisa-py, on the same server
//   in the same run (target: read_20mb_ms ≤ 2× pyvisa's); left out, saying why, without pyvisa-py;
// - socket_us, vxi11_us, library_us: mean `*IDN?` time per backend (library: the fake VISA library of
//   packages/visa/native compiled with gcc, through koffi; left out without gcc).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openResource } from '../../packages/visa/dist/index.js';
import { median, percentile, report, round } from './lib.mjs';

const RUNS = 7;
const QUERIES = 1000;
const REPLY_BYTES = 20 * 1000 * 1000;
const visaDist = new URL('../../packages/visa/dist/index.js', import.meta.url).href;

/** Starts the simulator in a child process, with a 20 MB reply to `DATA?`. */
async function startServer() {
  const code = `
    const { ScpiSimulator } = await import(${JSON.stringify(visaDist)});
    const simulator = await ScpiSimulator.start();
    simulator.instrument.addDialogue('DATA?', Buffer.alloc(${REPLY_BYTES}, 0x41));
    console.log(JSON.stringify({ socket: simulator.socketResource, vxi11: simulator.vxi11Resource }));
    process.stdin.resume();
    process.stdin.on('end', () => simulator.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`the simulator process exited (${c})`)));
  });
  return { ...JSON.parse(line), stop: () => child.stdin.end() };
}

function findPython() {
  for (const python of [process.env.SHOTLINE_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import pyvisa, pyvisa_py'], { stdio: 'ignore' });
      return python;
    } catch {
      // next
    }
  }
  return undefined;
}

const PYVISA_SCRIPT = `
import json, sys, time
import pyvisa
args = json.loads(sys.argv[1])
rm = pyvisa.ResourceManager("@py")
r = rm.open_resource(args["socket"], read_termination="\\n", write_termination="\\n")
r.timeout = 60000
for _ in range(100): r.query("*IDN?")
p50 = []
for _ in range(args["runs"]):
    t = []
    for _ in range(args["queries"]):
        t0 = time.perf_counter(); r.query("*IDN?"); t.append((time.perf_counter() - t0) * 1e6)
    t.sort(); p50.append(t[len(t) // 2])
reads = []
for _ in range(args["runs"] + 1):
    t0 = time.perf_counter(); r.write("DATA?"); data = r.read_raw(); reads.append((time.perf_counter() - t0) * 1e3)
    assert len(data) == args["bytes"] + 1, len(data)
r.close(); rm.close()
print(json.dumps({"read_ms": reads[1:], "p50_us": p50}))
`;

async function latency(resource) {
  for (let i = 0; i < 100; i++) await resource.query('*IDN?'); // warm up
  const p50 = [];
  const p99 = [];
  const mean = [];
  for (let run = 0; run < RUNS; run++) {
    const times = [];
    for (let i = 0; i < QUERIES; i++) {
      const t0 = process.hrtime.bigint();
      await resource.query('*IDN?');
      times.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    p50.push(percentile(times, 50));
    p99.push(percentile(times, 99));
    mean.push(times.reduce((a, b) => a + b, 0) / times.length);
  }
  return { p50: median(p50), p99: median(p99), mean: median(mean) };
}

async function read20mb(resource) {
  const times = [];
  for (let run = 0; run <= RUNS; run++) {
    const t0 = process.hrtime.bigint();
    await resource.write('DATA?');
    const data = await resource.readRaw();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (data.length !== REPLY_BYTES + 1) throw new Error(`got ${data.length} bytes`);
    if (run > 0) times.push(ms); // the first one warms up
  }
  console.log(`read 20 MB: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
  return median(times);
}

const server = await startServer();
const figures = { runs: RUNS, queries_per_run: QUERIES };
try {
  const socket = await openResource(server.socket, { backend: 'tcpip', timeout: 60_000 });
  try {
    const l = await latency(socket);
    console.log(`SOCKET *IDN?: p50 ${l.p50.toFixed(1)} µs, p99 ${l.p99.toFixed(1)} µs`);
    figures.query_us_p50 = round(l.p50, 1);
    figures.query_us_p99 = round(l.p99, 1);
    figures.socket_us = round(l.mean, 1);
    figures.read_20mb_ms = round(await read20mb(socket), 1);
  } finally {
    await socket.close();
  }

  const python = findPython();
  if (python) {
    const out = execFileSync(
      python,
      [
        '-c',
        PYVISA_SCRIPT,
        JSON.stringify({ socket: server.socket, runs: RUNS, queries: QUERIES, bytes: REPLY_BYTES }),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const py = JSON.parse(out.trim().split('\n').at(-1));
    console.log(`pyvisa-py read 20 MB: ${py.read_ms.map((t) => t.toFixed(1)).join(', ')} ms`);
    figures.pyvisa_read_20mb_ms = round(median(py.read_ms), 1);
    figures.pyvisa_query_us_p50 = round(median(py.p50_us), 1);
    figures.read_20mb_vs_pyvisa = round(figures.read_20mb_ms / figures.pyvisa_read_20mb_ms, 2);
  } else {
    console.log('pyvisa-py is not installed (apt-get install python3-pyvisa-py): not compared');
  }

  const vxi11 = await openResource(server.vxi11, { backend: 'tcpip', timeout: 60_000 });
  try {
    figures.vxi11_us = round((await latency(vxi11)).mean, 1);
  } finally {
    await vxi11.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-fakevisa-'));
  try {
    const libraryPath = join(dir, 'libfakevisa.so');
    const source = join(
      import.meta.dirname,
      '..',
      '..',
      'packages',
      'visa',
      'native',
      'fakevisa.c',
    );
    try {
      execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', libraryPath, source, '-lpthread']);
    } catch {
      console.log('gcc is not available: the library backend is not measured');
    }
    const library = await openResource(server.socket, {
      backend: 'library',
      libraryPath,
      timeout: 60_000,
    }).catch(() => undefined);
    if (library) {
      try {
        figures.library_us = round((await latency(library)).mean, 1);
      } finally {
        await library.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  server.stop();
}
report('visa-query', figures);
