import { describe, expect, it } from 'vitest';
import type { DeviceCompiler, ShotContext } from '../device/index.js';
import { ContractViolationError, InvalidValueError } from '../errors/index.js';
import { Parameters } from '../parameters/index.js';
import { Quantity } from '../units/index.js';
import { DigitalTimeLane, TimeLanes } from '../time-lanes/index.js';
import { DeviceCompilationError } from './engine-errors.js';
import { createSequenceContext } from './sequence-context.js';
import { createShotContext } from './shot-context.js';

const sequence = createSequenceContext({
  sequencePath: '\\scan',
  timeLanes: new TimeLanes({
    stepNames: ['load', 'wait'],
    stepDurations: ['100 ns', 'wait'],
    lanes: {
      shutter: new DigitalTimeLane([[true, 2]]),
      aom: new DigitalTimeLane([[false, 2]]),
    },
  }),
});
const parameters = Parameters.of({ wait: new Quantity(1.5, 'us') });

function compiler(compileShot: (shot: ShotContext) => unknown): DeviceCompiler {
  return { initializationParameters: () => ({}), compileShot };
}

describe('createShotContext', () => {
  it('evaluates the step timing of the shot in integer picoseconds', () => {
    const shot = createShotContext(sequence, { index: 4, parameters });
    expect(shot.index).toBe(4);
    expect(shot.stepNames).toEqual(['load', 'wait']);
    expect(shot.stepDurations).toEqual([100_000, 1_500_000]);
    expect(shot.stepStartTimes).toEqual([0, 100_000, 1_600_000]);
    expect(shot.shotDuration).toBe(1_600_000);
  });

  it('names the sequence and the shot when a step duration does not evaluate', () => {
    expect(() => createShotContext(sequence, { index: 2 })).toThrow(/sequence \\scan, shot 2/);
  });

  it('marks the lanes a compiler reads as used, and names a lane that does not exist', () => {
    const shot = createShotContext(sequence, { parameters });
    expect(shot.unusedLanes()).toEqual(['shutter', 'aom']);
    shot.lane('shutter');
    expect(shot.findLane('missing')).toBeUndefined();
    expect([...shot.lanesOfType('digital').keys()]).toEqual(['shutter', 'aom']);
    expect(shot.usedLanes).toEqual(new Set(['shutter']));
    expect(() => shot.lane('missing')).toThrow(InvalidValueError);
    expect(() => shot.markLaneUsed('missing')).toThrow(/no time lane "missing".*lane "missing"/);
    shot.markLaneUsed('aom');
    expect(shot.unusedLanes()).toEqual([]);
  });

  it("compiles another device's shot parameters once, on demand", () => {
    let calls = 0;
    const camera = compiler(() => ({ exposure: ++calls }));
    const shot = createShotContext(sequence, {
      parameters,
      compilers: new Map([['camera', camera]]),
    });
    expect(shot.isDeviceUsed('camera')).toBe(true);
    expect(shot.isDeviceUsed('laser')).toBe(false);
    expect(shot.deviceCompiler('camera')).toBe(camera);
    expect(shot.shotParametersOf('camera')).toEqual({ exposure: 1 });
    expect(shot.shotParametersOf('camera')).toEqual({ exposure: 1 });
    expect(shot.shotParameters).toEqual(new Map([['camera', { exposure: 1 }]]));
    expect(() => shot.deviceCompiler('laser')).toThrow(/device "laser" is not used/);
  });

  it('names the failing device and the shot, and reports a cycle between compilers', () => {
    const shot = createShotContext(sequence, {
      index: 3,
      parameters,
      compilers: new Map([
        [
          'broken',
          compiler(() => {
            throw new Error('no signal');
          }),
        ],
        ['a', compiler((s) => s.shotParametersOf('b'))],
        ['b', compiler((s) => s.shotParametersOf('a'))],
      ]),
    });
    expect(() => shot.shotParametersOf('broken')).toThrow(DeviceCompilationError);
    expect(() => shot.shotParametersOf('broken')).toThrow(
      /"broken" could not compile the shot: no signal.*shot 3/,
    );
    const cycle = (() => {
      try {
        shot.shotParametersOf('a');
      } catch (e) {
        return e as DeviceCompilationError;
      }
      throw new Error('no error');
    })();
    expect(cycle.cause).toBeInstanceOf(ContractViolationError);
    expect((cycle.cause as Error).message).toMatch(/in a cycle: a -> b -> a/);
  });
});
