import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyDeviceExtension, DeviceCompiler, ShotContext } from '../../device/index.js';
import { deviceNotUsed } from '../../device/index.js';
import { ExecuteShot, IterationConfiguration, LinspaceLoop } from '../../iteration/index.js';
import { ParameterNamespace, Parameters } from '../../parameters/index.js';
import { DeviceRegistry } from '../../plugins/index.js';
import { DigitalTimeLane, TimeLanes } from '../../time-lanes/index.js';
import {
  buildSequenceCompilation,
  compileShotParameters,
  initializationParameters,
  type SequenceCompilationInput,
} from './sequence-compilation.js';

type Compile = (shot: ShotContext) => unknown;

function extension(
  type: string,
  compileFor: (name: string) => Compile | 'not used',
): AnyDeviceExtension {
  return {
    type,
    label: type,
    configurationSchema: z.object({ gain: z.number().default(1) }),
    defaultConfiguration: () => ({ gain: 1 }),
    createCompiler: (
      name: string,
      config: { gain: number },
    ): DeviceCompiler | ReturnType<typeof deviceNotUsed> => {
      const compile = compileFor(name);
      if (compile === 'not used') return deviceNotUsed(`${name} has nothing to do`);
      return {
        initializationParameters: () => ({ name, gain: config.gain }),
        compileShot: compile,
      };
    },
    createDevice: () => ({ open: async () => {}, close: async () => {} }),
    createController: () => ({ runShot: async () => {} }),
  };
}

function input(
  devices: { name: string; type: string; configuration?: unknown }[],
  lanes = {},
): SequenceCompilationInput {
  return {
    sequencePath: '\\test',
    globals: ParameterNamespace.fromMapping({ power: '2 mW' }).toJSON(),
    iteration: new IterationConfiguration([
      new LinspaceLoop({
        variable: 'x',
        start: '0',
        stop: '1',
        num: 3,
        steps: [new ExecuteShot()],
      }),
    ]).toJSON(),
    timeLanes: new TimeLanes({
      stepNames: ['load', 'wait'],
      stepDurations: ['10 ms', '5 us'],
      lanes,
    }).toJSON() as never,
    deviceConfigurations: devices.map((d) => ({ configuration: {}, ...d })) as never,
  };
}

describe('sequence compilation', () => {
  it('builds compilers from JSON, leaves out unused devices and computes initialization parameters', () => {
    const registry = new DeviceRegistry();
    registry.addDevice(extension('lab.dev', (name) => (name === 'idle' ? 'not used' : () => name)));
    const compilation = buildSequenceCompilation(
      input([
        { name: 'a', type: 'lab.dev', configuration: { gain: 3 } },
        { name: 'idle', type: 'lab.dev' },
      ]),
      registry,
    );
    expect([...compilation.compilers.keys()]).toEqual(['a']);
    expect(compilation.notUsed).toEqual([{ device: 'idle', reason: 'idle has nothing to do' }]);
    expect([...compilation.context.deviceConfigurations.keys()]).toEqual(['a']);
    expect(initializationParameters(compilation).get('a')).toEqual({ name: 'a', gain: 3 });
    expect(compilation.constants.get('power')).toBeDefined();
  });

  it('gives each shot its parameters and exact step timing in picoseconds', () => {
    const registry = new DeviceRegistry();
    let seen: ShotContext | undefined;
    registry.addDevice(
      extension('lab.dev', () => (shot) => {
        seen = shot;
        return shot.parameters.get('x');
      }),
    );
    const compilation = buildSequenceCompilation(input([{ name: 'a', type: 'lab.dev' }]), registry);
    const result = compileShotParameters(compilation, 4, Parameters.of({ x: 0.5 }));
    expect(result.deviceParameters.get('a')).toBe(0.5);
    expect(seen!.index).toBe(4);
    expect(seen!.stepDurations).toEqual([10_000_000_000, 5_000_000]);
    expect(seen!.stepStartTimes).toEqual([0, 10_000_000_000, 10_005_000_000]);
    expect(seen!.shotDuration).toBe(10_005_000_000);
    expect(result.durationSeconds).toBeCloseTo(0.010005, 12);
  });

  it("lets a compiler read another device's shot parameters, compiled once per shot", () => {
    const registry = new DeviceRegistry();
    let cameraCompiles = 0;
    registry.addDevice(extension('lab.camera', () => () => ++cameraCompiles));
    registry.addDevice(
      extension('lab.sequencer', () => (shot) => ({ trigger: shot.shotParametersOf('camera') })),
    );
    const compilation = buildSequenceCompilation(
      input([
        { name: 'sequencer', type: 'lab.sequencer' },
        { name: 'camera', type: 'lab.camera' },
      ]),
      registry,
    );
    const result = compileShotParameters(compilation, 0, Parameters.of({ x: 0 }));
    expect(result.deviceParameters.get('sequencer')).toEqual({ trigger: 1 });
    expect(result.deviceParameters.get('camera')).toBe(1);
    expect(cameraCompiles).toBe(1);
  });

  it('names the device whose compiler failed, even when another device asked for it', () => {
    const registry = new DeviceRegistry();
    registry.addDevice(
      extension('lab.camera', () => () => {
        throw new Error('exposure longer than the step');
      }),
    );
    registry.addDevice(extension('lab.sequencer', () => (shot) => shot.shotParametersOf('camera')));
    const compilation = buildSequenceCompilation(
      input([
        { name: 'sequencer', type: 'lab.sequencer' },
        { name: 'camera', type: 'lab.camera' },
      ]),
      registry,
    );
    expect(() => compileShotParameters(compilation, 3, Parameters.of({ x: 0 }))).toThrow(
      'device "camera" could not compile the shot: exposure longer than the step (sequence \\test, shot 3, device "camera")',
    );
  });

  it('reports compilers asking for each other in a cycle', () => {
    const registry = new DeviceRegistry();
    registry.addDevice(extension('lab.a', () => (shot) => shot.shotParametersOf('b')));
    registry.addDevice(extension('lab.b', () => (shot) => shot.shotParametersOf('a')));
    const compilation = buildSequenceCompilation(
      input([
        { name: 'a', type: 'lab.a' },
        { name: 'b', type: 'lab.b' },
      ]),
      registry,
    );
    expect(() => compileShotParameters(compilation, 0, Parameters.of({ x: 0 }))).toThrow(
      /cycle: a -> b -> a/,
    );
  });

  it('tracks lane use: an unused lane is an error naming it, reading it marks it used', () => {
    const registry = new DeviceRegistry();
    let lanes: string[] = [];
    registry.addDevice(extension('lab.dev', () => (shot) => lanes.map((l) => shot.lane(l).type)));
    const compilation = buildSequenceCompilation(
      input([{ name: 'a', type: 'lab.dev' }], {
        shutter: DigitalTimeLane.fromValues([true, false]),
        trigger: DigitalTimeLane.fromValues([false, true]),
      }),
      registry,
    );
    lanes = ['shutter'];
    expect(() => compileShotParameters(compilation, 2, Parameters.of({ x: 0 }))).toThrow(
      /no device used the time lane "trigger"; remove it.* \(sequence \\test, shot 2, lane "trigger"\)/,
    );
    lanes = ['shutter', 'trigger'];
    expect(
      compileShotParameters(compilation, 2, Parameters.of({ x: 0 })).deviceParameters.get('a'),
    ).toEqual(['digital', 'digital']);
    lanes = ['nope'];
    expect(() => compileShotParameters(compilation, 2, Parameters.of({ x: 0 }))).toThrow(
      /there is no time lane "nope" in this sequence/,
    );
  });

  it('rejects an invalid device configuration naming the device', () => {
    const registry = new DeviceRegistry();
    registry.addDevice(extension('lab.dev', () => () => 0));
    expect(() =>
      buildSequenceCompilation(
        input([{ name: 'a', type: 'lab.dev', configuration: { gain: 'high' } }]),
        registry,
      ),
    ).toThrow(/configuration of device type "lab\.dev" is invalid: gain: .*device "a"/);
  });
});
