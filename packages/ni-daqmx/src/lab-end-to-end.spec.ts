// A lab's sequence with a SpinCore PulseBlaster (digital master), the NI 6738 (clocked on change by
// the PulseBlaster) and a Hamamatsu ORCA-Quest (triggered by the PulseBlaster) runs end to end
// through the real `shotline` binary, each driver on its compiled fake vendor library: the CLI
// discovers the three plugins installed next to it, the drivers load the fakes (NI-DAQmx through
// SHOTLINE_NIDAQMX_LIBRARY, spinapi and DCAM-API through their configuration), and the fakes
// record what the drivers gave them.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type NDArray, SequencePath } from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NIDAQMX_LIBRARY_ENV } from './daqmx/daqmx-library.js';
import { fakeDaqmxPath } from './fake-daqmx.test-helper.js';
import { paddedNi6738Channels } from './ni6738-configuration.js';
import { constant, lane, volts } from './ni6738.test-helper.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
const SHOTLINE = join(packageDir('@shotline/cli'), 'dist/bin.js');

/** Compiles a fake vendor library shipped as C source by a sibling package. */
function compileFake(source: string, output: string, libraries: string[]): string {
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', output, source, ...libraries]);
  return output;
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function shotline(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SHOTLINE, ...args], {
      cwd: tmpdir(),
      env: { ...process.env, SHOTLINE_LAB: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SEQUENCE = `iteration:
  - arange: i
    start: 0
    stop: 3
    step: 1
steps:
  - load: 1 ms
  - ramp: 1 ms
  - image: 1 ms
  - rest: 1 ms
lanes:
  shutter:
    digital: [true, true, false, false]
  coil:
    analog: [1 V + i * 0.5 V, ramp, { value: -2 V, steps: 2 }]
  orca:
    camera: [null, null, atoms, null]
`;

const ROI = { x: 128, y: 256, width: 64, height: 32 };

describe('a lab with the NI 6738, a PulseBlaster and the ORCA-Quest, through `shotline run`', () => {
  let dir: string;
  let labDir: string;
  let env: Record<string, string>;
  let run: CliResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotline-ni-e2e-'));
    const spinapi = compileFake(
      join(packageDir('@shotline/sequencer'), 'native/fake-spinapi.c'),
      join(dir, 'libfakespinapi.so'),
      ['-lm'],
    );
    const dcam = compileFake(
      join(packageDir('@shotline/camera'), 'native/fakedcam.c'),
      join(dir, 'libfakedcam.so'),
      ['-lpthread'],
    );
    mkdirSync(join(dir, 'daqmx'));
    mkdirSync(join(dir, 'dcam'));
    env = {
      [NIDAQMX_LIBRARY_ENV]: fakeDaqmxPath(),
      FAKEDAQMX_RECORD_DIR: join(dir, 'daqmx'),
      FAKEDCAM_RECORD_DIR: join(dir, 'dcam'),
      FAKEDCAM_TRIGGERS: '1',
    };
    labDir = join(dir, 'lab');
    const cli = (args: string[]) => shotline(['--lab', labDir, ...args], env);
    const init = await shotline(['init', labDir]);
    expect(init.code, init.stderr).toBe(0);
    const devices = {
      pb: {
        type: 'shotline.sequencer.pulseblaster',
        configuration: {
          timeStep: '50',
          trigger: { type: 'software' },
          library: spinapi,
          channels: Array.from({ length: 24 }, (_, i) => ({
            type: 'digital',
            description: ['NI clock', 'ORCA trigger', 'shutter'][i] ?? `ch ${i}`,
            output:
              i === 0
                ? { type: 'DeviceTrigger', device: 'ni' }
                : i === 1
                  ? { type: 'DeviceTrigger', device: 'orca' }
                  : i === 2
                    ? { type: 'LaneValues', lane: 'shutter' }
                    : { type: 'Constant', value: 'Disabled' },
          })),
        },
      },
      ni: {
        type: 'shotline.ni-daqmx.ni6738',
        configuration: {
          channels: paddedNi6738Channels([
            volts('coil', lane('coil')),
            volts('bias', constant('0.25 V')),
          ]),
        },
      },
      orca: {
        type: 'shotline.camera.orca-quest',
        configuration: { roi: ROI, libraryPath: dcam },
      },
    };
    for (const [name, { type, configuration }] of Object.entries(devices)) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(configuration));
      const added = await cli(['device', 'add', name, '--type', type, '--config', file]);
      expect(added.code, added.stderr).toBe(0);
    }
    writeFileSync(join(dir, 'scan.yaml'), SEQUENCE);
    const created = await cli(['seq', 'create', '\\e2e\\scan', '--file', join(dir, 'scan.yaml')]);
    expect(created.code, created.stderr).toBe(0);
    run = await cli(['run', '\\e2e\\scan']);
  }, 240_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the sequence to FINISHED', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^FINISHED: 3\/3 shots/);
  });

  it('wrote every shot of the NI 6738 through NI-DAQmx: the samples of its channels on change', () => {
    for (let shot = 0; shot < 3; shot++) {
      const file = join(dir, 'daqmx', `write-${shot + 1}.f64`);
      expect(existsSync(file), file).toBe(true);
      const bytes = readFileSync(file);
      const samples = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
      // 1 ms constant (1 sample), the 1 ms ramp at 2.5 µs (400 samples), 2 ms at -2 V (1 sample)
      const n = 402;
      expect(samples.length).toBe(32 * n);
      const start = 1 + shot * 0.5;
      const coil = Array.from(samples.subarray(0, n));
      expect(coil[0]).toBe(start);
      for (let k = 0; k < 400; k++) expect(coil[1 + k]).toBe(start + k * ((-2 - start) / 400));
      expect(coil[401]).toBe(-2);
      expect(Array.from(samples.subarray(n, 2 * n))).toEqual(Array(n).fill(0.25));
      expect(samples.subarray(2 * n).every((v) => v === 0)).toBe(true);
    }
    const calls = readFileSync(join(dir, 'daqmx', 'calls.log'), 'utf8')
      .trim()
      .split('\n');
    expect(calls.filter((c) => c.startsWith('DAQmxCfgSampClkTiming'))).toEqual(
      Array(3).fill('DAQmxCfgSampClkTiming "/Dev1/PFI0" 400000 10280 10178 402'),
    );
    expect(calls.filter((c) => c === 'DAQmxStartTask')).toHaveLength(3);
    expect(calls.at(-1)).toBe('DAQmxClearTask');
  });

  it('stored the ORCA-Quest picture of every shot, exactly as DCAM-API delivered it', async () => {
    const storage = await openSqliteStorage(join(labDir, 'shotline.sqlite'));
    try {
      const path = SequencePath.from('\\e2e\\scan');
      expect((await storage.shotIndices(path)).unwrap()).toEqual([0, 1, 2]);
      for (let shot = 0; shot < 3; shot++) {
        const image = (
          await storage.getShotData(path, shot, 'orca\\atoms' as never)
        ).unwrap() as NDArray;
        expect(image.dtype).toBe('uint16');
        expect(image.shape).toEqual([ROI.height, ROI.width]);
        const data = image.data as Uint16Array;
        // the fake's frame pattern: (x + 2 y + 1000 g) for frame g of the process
        const g = shot + 1;
        expect(data[0]).toBe(ROI.x + 2 * ROI.y + 1000 * g);
        expect(data[5 * ROI.width + 7]).toBe(ROI.x + 7 + 2 * (ROI.y + 5) + 1000 * g);
      }
    } finally {
      await storage.close();
    }
    const calls = readFileSync(join(dir, 'dcam', 'calls.log'), 'utf8')
      .trim()
      .split('\n');
    expect(calls.filter((c) => c.startsWith('dcamcap_start'))).toHaveLength(3);
    expect(calls.slice(-2)).toEqual(['dcamdev_close', 'dcamapi_uninit']);
  });
});
