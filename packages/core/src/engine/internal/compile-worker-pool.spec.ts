import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NDArray } from '../../data/index.js';
import { type ShotlineError } from '../../errors/index.js';
import { TimedInstruction } from '../../instructions/index.js';
import { ExecuteShot, IterationConfiguration } from '../../iteration/index.js';
import { ParameterNamespace, Parameters } from '../../parameters/index.js';
import { TimeLanes } from '../../time-lanes/index.js';
import { Quantity } from '../../units/index.js';
import { CompileDeadlineError } from '../engine-errors.js';
import { compileWorkerUrl } from './compile-plan.js';
import { CompileWorkerPool, CompileWorkerSetupError } from './compile-worker-pool.js';
import type { CompileWorkerSetup } from './compile-protocol.js';

const coreIndex = pathToFileURL(resolve(import.meta.dirname, '../../../dist/index.js')).href;

// A plugin module as a driver package would ship it: plain JavaScript importing @shotline/core
// (here by URL, from core's dist). Its compiler hangs, crashes or fails at chosen shots.
const PLUGIN = `import { NDArray, Quantity, InvalidValueError, Pattern, repeat } from ${JSON.stringify(coreIndex)};
import { z } from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('zod')).href)};
let built = 0;
export default {
  name: 'pool-test-plugin',
  register(registry) {
    registry.addDevice({
      type: 'pool.test',
      label: 'pool test',
      configurationSchema: z.object({ hangAt: z.number(), crashAt: z.number(), failAt: z.number() }),
      defaultConfiguration: () => ({ hangAt: -1, crashAt: -1, failAt: -1 }),
      createCompiler: (name, config) => {
        built += 1;
        return {
          initializationParameters: () => ({}),
          compileShot: (shot) => {
            if (shot.index === config.hangAt) for (;;) {}
            if (shot.index === config.crashAt) process.exit(3);
            if (shot.index === config.failAt) throw new InvalidValueError('bad value for this shot');
            return {
              index: shot.index,
              built,
              image: NDArray.zeros('uint16', [2, 3]),
              power: new Quantity(shot.parameters.get('x'), 'mW'),
              table: new Map([['a', new Uint8Array([1, 2])]]),
              trigger: repeat(Pattern.of([true, false]), 1000),
            };
          },
        };
      },
      createDevice: () => ({ open: async () => {}, close: async () => {} }),
      createController: () => ({ runShot: async () => {} }),
    });
  },
};
`;

let pluginUrl = '';

function setup(
  config: { hangAt?: number; crashAt?: number; failAt?: number },
  url = pluginUrl,
): CompileWorkerSetup {
  return {
    plugins: [{ name: 'pool-test-plugin', moduleUrl: url }],
    sequence: {
      sequencePath: '\\pool',
      globals: ParameterNamespace.empty().toJSON(),
      iteration: new IterationConfiguration([new ExecuteShot()]).toJSON(),
      timeLanes: new TimeLanes({ stepNames: ['s'], stepDurations: ['1 ms'] }).toJSON() as never,
      deviceConfigurations: [
        {
          name: 'dev',
          type: 'pool.test',
          configuration: { hangAt: -1, crashAt: -1, failAt: -1, ...config },
        },
      ],
    },
  };
}

const shot = (x: number): Parameters => Parameters.of({ x });

describe('the compile worker pool', () => {
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shotline-pool-'));
    await writeFile(join(dir, 'plugin.mjs'), PLUGIN);
    pluginUrl = pathToFileURL(join(dir, 'plugin.mjs')).href;
    await writeFile(join(dir, 'broken.mjs'), 'throw new Error("missing native module");');
  });

  it('rebuilds the compilers once per worker and returns shots with core types intact', async () => {
    const pool = await CompileWorkerPool.start({
      size: 2,
      workerUrl: compileWorkerUrl()!,
      setup: setup({}),
      deadlineMs: 5_000,
    });
    try {
      const shots = await Promise.all([0, 1, 2, 3].map((i) => pool.compile(i, shot(i))));
      expect(shots.map((s) => s.index)).toEqual([0, 1, 2, 3]);
      for (const s of shots) {
        const p = s.deviceParameters.get('dev') as Record<string, unknown>;
        expect(p.built).toBe(1); // never rebuilt per shot
        expect(p.image).toBeInstanceOf(NDArray);
        expect(p.power).toBeInstanceOf(Quantity);
        expect((p.power as Quantity).toString()).toBe(`${s.index} mW`);
        expect((p.table as Map<string, Uint8Array>).get('a')).toEqual(new Uint8Array([1, 2]));
        expect(p.trigger).toBeInstanceOf(TimedInstruction);
        expect((p.trigger as TimedInstruction).length).toBe(2000);
        expect(typeof s.thread).toBe('number');
        expect(s.durationSeconds).toBeCloseTo(0.001, 12);
      }
    } finally {
      await pool.close();
    }
  });

  it('fails a shot past the deadline and replaces the stuck worker', async () => {
    const pool = await CompileWorkerPool.start({
      size: 1,
      workerUrl: compileWorkerUrl()!,
      setup: setup({ hangAt: 1 }),
      deadlineMs: 200,
    });
    try {
      const stuck = pool.compile(1, shot(1));
      const after = pool.compile(2, shot(2));
      const error = await stuck.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CompileDeadlineError);
      expect((error as Error).message).toMatch(
        /longer than 200 ms.*terminated and replaced \(sequence \\pool, shot 1\)/,
      );
      expect((await after).index).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('reports a worker that dies while compiling, and goes on with a new one', async () => {
    const pool = await CompileWorkerPool.start({
      size: 1,
      workerUrl: compileWorkerUrl()!,
      setup: setup({ crashAt: 0 }),
      deadlineMs: 5_000,
    });
    try {
      await expect(pool.compile(0, shot(0))).rejects.toThrow(
        /compile worker 0 crashed while compiling shot 0/,
      );
      expect((await pool.compile(1, shot(1))).index).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('returns compile errors with their code and location', async () => {
    const pool = await CompileWorkerPool.start({
      size: 1,
      workerUrl: compileWorkerUrl()!,
      setup: setup({ failAt: 5 }),
      deadlineMs: 5_000,
    });
    try {
      const error = (await pool.compile(5, shot(5)).catch((e: unknown) => e)) as ShotlineError;
      expect(error.code).toBe('DEVICE_COMPILATION');
      expect(error.recoverable).toBe(true);
      expect(error.location).toMatchObject({ sequence: '\\pool', shot: 5, device: 'dev' });
      expect(error.message).toBe(
        'device "dev" could not compile the shot: bad value for this shot (sequence \\pool, shot 5, device "dev")',
      );
    } finally {
      await pool.close();
    }
  });

  it('fails to start, naming the plugin, when a worker cannot load it', async () => {
    const broken = pluginUrl.replace('plugin.mjs', 'broken.mjs');
    const error = await CompileWorkerPool.start({
      size: 1,
      workerUrl: compileWorkerUrl()!,
      setup: setup({}, broken),
      deadlineMs: 5_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompileWorkerSetupError);
    expect((error as Error).message).toMatch(
      /plugin pool-test-plugin: cannot import .*broken\.mjs.*missing native module/,
    );
  });

  it('rejects pending shots when closed', async () => {
    const pool = await CompileWorkerPool.start({
      size: 1,
      workerUrl: compileWorkerUrl()!,
      setup: setup({ hangAt: 0 }),
      deadlineMs: 60_000,
    });
    const pending = pool.compile(0, shot(0));
    const queued = pool.compile(1, shot(1));
    await pool.close();
    await expect(pending).rejects.toThrow(/compilation cancelled/);
    await expect(queued).rejects.toThrow(/compilation cancelled/);
  });
});
