import { DigitalTimeLane, Parameters, type DeviceCompiler, type ShotContext } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { stepTimeLanes } from './step-time-lanes.js';
import { testSequenceContext } from './test-sequence-context.js';
import { testShotContext } from './test-shot-context.js';

/** A compiler that reads its lane and another device's shot parameters. */
function shutterCompiler(): DeviceCompiler {
  return {
    initializationParameters: () => ({}),
    compileShot: (shot: ShotContext) => ({
      blocks: shot.lane('shutter').spannedValues().length,
      camera: shot.shotParametersOf('camera'),
      end: shot.shotDuration,
    }),
  };
}

describe('test contexts for a compiler', () => {
  it('build a sequence of numbered steps whose devices went through JSON', () => {
    const sequence = testSequenceContext(stepTimeLanes(['1 us', 'n * 1 us']), {
      devices: [{ name: 'cam', type: 'camera', configuration: { exposure: 2, note: undefined } }],
    });
    expect(sequence.sequencePath).toBe('\\test');
    expect(sequence.timeLanes.stepNames).toEqual(['step 0', 'step 1']);
    expect(sequence.deviceConfiguration('cam').configuration).toEqual({ exposure: 2 });
    expect(() => sequence.deviceConfiguration('laser')).toThrow(/device "laser" is not used/);
    expect(testSequenceContext().timeLanes.stepNames).toEqual([]);
  });

  it('give a shot its parameters from a record, the step timing and the other compilers', () => {
    const sequence = testSequenceContext(
      stepTimeLanes(['1 us', 'n * 1 us'], { shutter: new DigitalTimeLane([[true, 2]]) }),
    );
    const shot = testShotContext(sequence, {
      index: 3,
      parameters: { n: 2 },
      compilers: {
        shutter: shutterCompiler(),
        camera: { initializationParameters: () => ({}), compileShot: () => 'picture' },
      },
    });
    expect(shot.parameters.get('n')).toBe(2);
    expect(shot.stepStartTimes).toEqual([0, 1_000_000, 3_000_000]);
    expect(shot.shotParametersOf('shutter')).toEqual({
      blocks: 1,
      camera: 'picture',
      end: 3_000_000,
    });
    expect(shot.usedLanes).toEqual(new Set(['shutter']));
    expect([...shot.shotParameters.keys()].sort()).toEqual(['camera', 'shutter']);
  });

  it('take parameters as they are and default to none, shot 0 and no other device', () => {
    const sequence = testSequenceContext(stepTimeLanes(['1 us']));
    const parameters = Parameters.of({ x: 1 });
    expect(testShotContext(sequence, { parameters }).parameters).toBe(parameters);
    const shot = testShotContext(sequence);
    expect([shot.index, shot.parameters, shot.isDeviceUsed('camera')]).toEqual([
      0,
      Parameters.empty,
      false,
    ]);
    expect(() => shot.lane('shutter')).toThrow(/no time lane "shutter"/);
  });
});
