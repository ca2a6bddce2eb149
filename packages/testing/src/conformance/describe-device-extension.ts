import { isDeepStrictEqual } from 'node:util';
import {
  ArangeLoop,
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  ParameterNamespace,
  TimeLanes,
  isDeviceNotUsed,
  type AnyDeviceExtension,
  type Device,
  type DeviceCompiler,
  type DeviceExtension,
  type JsonValue,
  type Parameters,
  type SequenceContext,
  type ShotlinePlugin,
  type StoredDeviceConfiguration,
} from '@shotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStorage } from '../storage/index.js';
import { RecordingShot, type RecordingShotOptions } from '../contexts/recording-shot.js';
import { testSequenceContext } from '../contexts/test-sequence-context.js';
import { testShotContext } from '../contexts/test-shot-context.js';

/** A running simulator and the configuration that makes the device talk to it. */
export interface DeviceSimulatorHandle<Config = unknown> {
  /** A configuration of the device under test, pointing at this simulator. */
  readonly configuration: Config;
  /** Stops the simulator (called after each test). */
  stop(): Promise<void> | void;
}

/** The sequence the kit runs the device in. */
export interface ConformanceSequence {
  /** Default: 3 shots of `arange i 0..3`. */
  readonly iteration?: IterationConfiguration;
  /** Default: one step `shot` of 10 ms and no lanes. Give the lanes your device uses. */
  readonly timeLanes?: TimeLanes;
  /** Globals the expressions may use. Default: none. */
  readonly globals?: ParameterNamespace;
}

/** Options of {@link describeDeviceExtension}. */
export interface DeviceConformanceOptions<Config = unknown> {
  /** Starts the device's simulator for one test and returns the configuration for it. */
  readonly simulator: () => Promise<DeviceSimulatorHandle<Config>> | DeviceSimulatorHandle<Config>;
  /** The sequence to compile and run; its lanes must be ones the device uses. */
  readonly sequence?: ConformanceSequence;
  /** Name of the device under test. Default `dut`. */
  readonly deviceName?: string;
  /** How long a controller may take to return after its shot is aborted (ms). Default 2000. */
  readonly abortGraceMs?: number;
  /**
   * The plugin that registers the extension, with its `moduleUrl`, so the end-to-end run compiles
   * in a worker thread as in a lab. Default: the extension alone, compiled on the main thread.
   */
  readonly plugin?: ShotlinePlugin;
}

const DEFAULT_ITERATION = new IterationConfiguration([
  new ArangeLoop({ variable: 'i', start: '0', stop: '3', step: '1', steps: [new ExecuteShot()] }),
]);
const DEFAULT_TIME_LANES = new TimeLanes({ stepNames: ['shot'], stepDurations: ['10 ms'] });

/** Where a value is not structured-cloneable (a function, a class with private state...). */
function notSerialisable(value: unknown): string | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A label whose promise must settle within `ms`, else the test fails with `message`. */
async function settlesWithin(work: Promise<unknown>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([
    work.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') expect.fail(message);
}

/**
 * The conformance suite of a device extension (vitest): every driver package runs it against its
 * simulator. It checks that
 * - the type tag and label are set, and the default and simulator configurations pass the schema
 *   and survive a JSON round trip unchanged (what storage does to them);
 * - the compiler is built from serialisable inputs and is pure: two compilers built from the
 *   configuration's JSON give equal, structured-cloneable initialization and shot parameters, in
 *   any shot order (compile workers rebuild compilers and compile shots out of order);
 * - `close()` is idempotent, also before `open()`;
 * - `runShot` calls the readiness barrier exactly once and signals exactly the declared data labels;
 * - `runShot` returns promptly when its shot is aborted, at the barrier or right after it;
 * - a whole sequence runs on the real engine and stores the declared labels for every shot.
 *
 * ```ts
 * describeDeviceExtension(myLaserExtension, {
 *   simulator: async () => {
 *     const sim = await LaserSimulator.start();
 *     return { configuration: { address: sim.address, power: '2 mW' }, stop: () => sim.stop() };
 *   },
 * });
 * ```
 */
export function describeDeviceExtension<Config>(
  extension: AnyDeviceExtension,
  options: DeviceConformanceOptions<Config>,
): void {
  const deviceName = options.deviceName ?? 'dut';
  const iteration = options.sequence?.iteration ?? DEFAULT_ITERATION;
  const timeLanes = options.sequence?.timeLanes ?? DEFAULT_TIME_LANES;
  const globals = options.sequence?.globals ?? ParameterNamespace.empty();
  const grace = options.abortGraceMs ?? 2000;
  // The kit only passes values the extension itself produced between its own methods.
  const typed = extension as unknown as DeviceExtension<unknown, unknown, unknown, Device>;

  describe(`device extension ${String(extension.type)} (conformance)`, () => {
    const running: DeviceSimulatorHandle<Config>[] = [];
    afterEach(async () => {
      for (const sim of running.splice(0)) await sim.stop();
    });

    async function startSimulator(): Promise<StoredDeviceConfiguration> {
      const sim = await options.simulator();
      running.push(sim);
      const parsed = extension.configurationSchema.safeParse(sim.configuration);
      if (!parsed.success) {
        expect.fail(`the simulator's configuration fails the schema: ${parsed.error.message}`);
      }
      return {
        name: deviceName,
        type: extension.type,
        configuration: JSON.parse(JSON.stringify(parsed.data)) as JsonValue,
      };
    }

    interface Compiled {
      context: SequenceContext;
      compiler: DeviceCompiler;
      shots: Parameters[];
    }

    function compile(stored: StoredDeviceConfiguration): Compiled {
      const constants = globals.evaluate();
      const context = testSequenceContext(timeLanes, {
        sequencePath: `\\conformance ${extension.type}`,
        parameterSchema: iteration.parameterSchema(constants),
        devices: [stored],
      });
      const configuration = extension.configurationSchema.parse(stored.configuration) as unknown;
      const compiler = extension.createCompiler(deviceName, configuration, context);
      if (isDeviceNotUsed(compiler)) {
        expect.fail(
          `the device is not used in the conformance sequence (${compiler.reason}); pass options.sequence with the lanes it uses`,
        );
      }
      return { context, compiler, shots: [...iteration.walk(constants)] };
    }

    function shotParameters(c: Compiled, index: number): unknown {
      const shot = testShotContext(c.context, {
        index,
        parameters: c.shots[index],
        compilers: { [deviceName]: c.compiler },
      });
      return shot.shotParametersOf(deviceName);
    }

    function declaredLabels(stored: StoredDeviceConfiguration, c: Compiled): string[] {
      const configuration = extension.configurationSchema.parse(stored.configuration) as unknown;
      return [...(extension.dataLabels?.(deviceName, configuration, c.context) ?? [])].sort();
    }

    it('has a type tag and a label', () => {
      expect(typeof extension.type).toBe('string');
      expect(extension.type.trim()).not.toBe('');
      expect(typeof extension.label).toBe('string');
      expect(extension.label.trim()).not.toBe('');
    });

    it('keeps its default and simulator configurations unchanged through JSON (schema round trip)', async () => {
      const stored = await startSimulator();
      for (const candidate of [extension.defaultConfiguration() as unknown, stored.configuration]) {
        const parsed = extension.configurationSchema.safeParse(candidate);
        expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
        const json = JSON.parse(JSON.stringify(parsed.data)) as unknown;
        expect(json).toEqual(parsed.data);
        const again = extension.configurationSchema.parse(json) as unknown;
        expect(again).toEqual(parsed.data);
      }
    });

    it('compiles from serialisable inputs, purely, in any shot order', async () => {
      const stored = await startSimulator();
      const first = compile(stored);
      const second = compile(JSON.parse(JSON.stringify(stored)) as StoredDeviceConfiguration);
      const init = first.compiler.initializationParameters();
      expect(notSerialisable(init), 'initialization parameters must be structured-cloneable').toBe(
        undefined,
      );
      expect(isDeepStrictEqual(init, second.compiler.initializationParameters())).toBe(true);
      expect(first.shots.length).toBeGreaterThan(0);
      const forward = first.shots.map((_, i) => shotParameters(first, i));
      const backward = second.shots
        .map((_, i) => i)
        .reverse()
        .map((i) => shotParameters(second, i))
        .reverse();
      forward.forEach((parameters, i) => {
        expect(
          notSerialisable(parameters),
          `shot ${i}: shot parameters must be structured-cloneable`,
        ).toBe(undefined);
        expect(
          isDeepStrictEqual(parameters, backward[i]),
          `shot ${i}: compiling again gives other parameters`,
        ).toBe(true);
        expect(
          isDeepStrictEqual(parameters, shotParameters(first, i)),
          `shot ${i}: compiling twice differs`,
        ).toBe(true);
      });
    });

    it('closes idempotently, also before it was opened', async () => {
      const stored = await startSimulator();
      const c = compile(stored);
      const unopened = typed.createDevice(deviceName, c.compiler.initializationParameters());
      await unopened.close();
      const device = typed.createDevice(deviceName, c.compiler.initializationParameters());
      await device.open();
      await device.close();
      await device.close();
    });

    async function runOneShot(
      barrier: NonNullable<RecordingShotOptions['barrier']>,
      abortAfterBarrier: boolean,
    ): Promise<{ shot: RecordingShot; labels: string[]; outcome: Promise<void> | undefined }> {
      const stored = await startSimulator();
      const c = compile(stored);
      const device = typed.createDevice(deviceName, c.compiler.initializationParameters());
      await device.open();
      const shot = new RecordingShot({ deviceName, barrier });
      try {
        const controller = typed.createController(deviceName);
        let run = controller.runShot(device, shotParameters(c, 0), shot);
        if (barrier === 'hold' || abortAfterBarrier) {
          run = run.catch(() => undefined);
          const waitForBarrier = async (): Promise<void> => {
            const deadline = performance.now() + grace;
            while (shot.barrierCalls === 0 && performance.now() < deadline) {
              await new Promise((r) => setTimeout(r, 1));
            }
          };
          await waitForBarrier();
          shot.abort();
          await settlesWithin(
            run,
            grace,
            `runShot did not return within ${grace} ms after its shot was aborted`,
          );
          return { shot, labels: declaredLabels(stored, c), outcome: undefined };
        }
        await run;
        return { shot, labels: declaredLabels(stored, c), outcome: run };
      } finally {
        await device.close();
      }
    }

    it('calls the readiness barrier exactly once and signals exactly its declared data labels', async () => {
      const { shot, labels } = await runOneShot('pass', false);
      expect(shot.barrierCalls, 'waitAllDevicesReady() calls').toBe(1);
      expect([...shot.data.keys()].sort()).toEqual(labels);
    });

    it('returns promptly when its shot is aborted while waiting at the barrier', async () => {
      const { shot } = await runOneShot('hold', false);
      expect(shot.barrierCalls).toBe(1);
    });

    it('returns promptly when its shot is aborted right after the barrier', async () => {
      const { shot } = await runOneShot('pass', true);
      expect(shot.barrierCalls).toBe(1);
    });

    it('runs a whole sequence on the engine and stores its declared labels for every shot', async () => {
      const stored = await startSimulator();
      const registry = new DeviceRegistry();
      if (options.plugin) await registry.use(options.plugin);
      else registry.addDevice(extension);
      const storage = new MemorySessionStorage();
      const session = new ExperimentSession(storage, registry);
      await session.setGlobals(globals);
      await session.setDeviceConfiguration(stored);
      await session.createSequence('\\conformance', { iteration, timeLanes });
      const manager = await ExperimentManager.create({ storage, registry });
      try {
        await manager.createProcedure('conformance').run((p) => p.runSequence('\\conformance'));
      } finally {
        await manager.close();
      }
      expect(await session.state('\\conformance')).toBe('finished');
      const c = compile(stored);
      const labels = declaredLabels(stored, c);
      const indices = await session.shotIndices('\\conformance');
      expect(indices).toEqual(c.shots.map((_, i) => i));
      for (const index of indices) {
        const shot = await session.shot('\\conformance', index);
        expect([...shot.labels].sort(), `labels of shot ${index}`).toEqual(labels);
      }
      await storage.close();
    });
  });
}
