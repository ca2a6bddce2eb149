import {
  Parameters,
  ShotlineError,
  changeTable,
  isDeviceNotUsed,
  numberTicks,
} from '@shotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CameraShotParameters } from './camera-shot-parameters.js';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import { cameraLane, digitalLane, type CameraSpans } from './camera.test-helper.js';
import { PictureTooShortError } from './camera-errors.js';
import { SimulatedCameraCompiler } from './simulated/simulated-camera-compiler.js';
import { SimulatedCameraExtension } from './simulated/simulated-camera-extension.js';
import type { SimulatedCameraConfiguration } from './simulated/simulated-camera-configuration.js';

const extension = new SimulatedCameraExtension();

function configuration(
  overrides: Partial<SimulatedCameraConfiguration> = {},
): SimulatedCameraConfiguration {
  return { ...extension.defaultConfiguration(), ...overrides };
}

function compile(durations: string[], spans: CameraSpans, config = configuration()) {
  const lanes = stepTimeLanes(durations, { cam: cameraLane(spans) });
  const sequence = testSequenceContext(lanes);
  const compiler = extension.createCompiler('cam', config, sequence);
  if (isDeviceNotUsed(compiler)) throw new Error(compiler.reason);
  return { compiler, shot: testShotContext(sequence) };
}

function thrown(work: () => unknown): ShotlineError {
  try {
    work();
  } catch (error) {
    if (error instanceof ShotlineError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('camera compilation', () => {
  it('says the camera is not used when no lane is named after it', () => {
    const lanes = stepTimeLanes(['1 ms'], { other: cameraLane([['a', 1]]) });
    const result = extension.createCompiler('cam', configuration(), testSequenceContext(lanes));
    expect(isDeviceNotUsed(result)).toBe(true);
  });

  it('refuses a lane of another type named after the camera, naming lane and camera', () => {
    const lanes = stepTimeLanes(['1 ms'], { cam: digitalLane(1) });
    const error = thrown(() =>
      extension.createCompiler('cam', configuration(), testSequenceContext(lanes)),
    );
    expect(error.code).toBe('INVALID_TYPE');
    expect(error.message).toContain('the lane "cam" is a digital lane');
    expect(error.location).toMatchObject({ device: 'cam', lane: 'cam' });
  });

  it('takes the exposure and start of each picture from its block', () => {
    const { compiler, shot } = compile(
      ['10 ms', '2 ms', '3 ms', '5 ms', '7 ms'],
      [
        [null, 1],
        ['atoms', 2],
        [null, 1],
        ['background', 1],
      ],
    );
    const parameters = compiler.compileShot(shot);
    expect(parameters.pictures).toEqual([
      { name: 'atoms', exposure: 0.005, start: 0.01 },
      { name: 'background', exposure: 0.007, start: 0.02 },
    ]);
    expect(shot.usedLanes.has('cam')).toBe(true);
  });

  it('times a shot out after its duration plus the margin', () => {
    const config = configuration({ timeouts: { margin: 0.25 } });
    const { compiler, shot } = compile(
      ['1 s', '500 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      config,
    );
    expect(compiler.compileShot(shot).timeout).toBeCloseTo(1.75, 12);
  });

  it('refuses two pictures with the same name, naming the camera and both blocks', () => {
    const error = thrown(() =>
      compile(
        ['1 ms', '1 ms', '1 ms'],
        [
          ['a', 1],
          [null, 1],
          ['a', 1],
        ],
      ),
    );
    expect(error.message).toContain('two pictures named "a" (blocks 0 and 2)');
    expect(error.location).toMatchObject({ device: 'cam', lane: 'cam', block: 2 });
  });

  it('refuses more pictures than the camera can buffer', () => {
    const error = thrown(() =>
      compile(
        ['1 ms', '1 ms', '1 ms'],
        [
          ['a', 1],
          [null, 1],
          ['b', 1],
        ],
        configuration({ maxImagesPerShot: 1 }),
      ),
    );
    expect(error.message).toContain('at most 1 pictures per shot, but its lane has 2');
  });

  it('refuses a ROI larger than the sensor, naming the camera and the bound', () => {
    const error = thrown(() =>
      compile(
        ['1 ms'],
        [['a', 1]],
        configuration({
          roi: { x: 100, y: 0, width: 500, height: 10 },
          sensor: { width: 512, height: 512, bitDepth: 16 },
        }),
      ),
    );
    expect(error.code).toBe('ROI_OUTSIDE_SENSOR');
    expect(error.message).toContain('x + width = 100 + 500 = 600 is beyond the sensor width 512');
    expect(error.location.device).toBe('cam');
  });

  it('evaluates the cloud from the shot parameters', () => {
    const config = configuration({
      cloud: { x: 'cloud.x + 1', y: '2 * n', sigma: '3', peak: '10 / 4' },
    });
    const lanes = stepTimeLanes(['1 ms'], { cam: cameraLane([['a', 1]]) });
    const sequence = testSequenceContext(lanes);
    const compiler = new SimulatedCameraCompiler('cam', config, sequence, lanes.lane('cam'));
    const shot = testShotContext(sequence, { parameters: Parameters.of({ 'cloud.x': 40, n: 5 }) });
    expect(compiler.compileShot(shot).settings.cloud).toEqual({
      x: 41,
      y: 10,
      sigma: 3,
      peak: 2.5,
    });
  });

  it('names the camera and the expression when the cloud cannot be evaluated', () => {
    const config = configuration({ cloud: { x: 'missing', y: '1', sigma: '1', peak: '1' } });
    const { compiler, shot } = compile(['1 ms'], [['a', 1]], config);
    const error = thrown(() => compiler.compileShot(shot));
    expect(error.code).toBe('UNDEFINED_VARIABLE');
    expect(error.location).toMatchObject({ device: 'cam', expression: 'missing' });
  });
});

describe('the camera trigger', () => {
  it('is high exactly during the picture blocks, at the sequencer time step', () => {
    // Steps of 2.5, 4, 3.5 and 2 ns at dt = 1 ns: block bounds 0, 2.5, 6.5, 10, 12 ns.
    const { compiler, shot } = compile(
      ['2.5 ns', '4 ns', '3.5 ns', '2 ns'],
      [
        [null, 1],
        ['a', 1],
        [null, 1],
        ['b', 1],
      ],
    );
    const trigger = compiler.computeTrigger(1000, shot);
    const ticks = Array.from({ length: trigger.length }, (_, i) => trigger.at(i));
    // [0, 2.5) owns ticks 0..2, [2.5, 6.5) ticks 3..6, [6.5, 10) ticks 7..9, [10, 12) ticks 10..11.
    expect(ticks).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('has the exact tick count of the shot and of every block (property)', () => {
    const blocks = fc.array(
      fc.record({ picture: fc.boolean(), ps: fc.integer({ min: 1, max: 50_000 }) }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(blocks, fc.integer({ min: 1, max: 5000 }), (spec, dt) => {
        // Separate pictures by low blocks of at least one tick, and make pictures last a tick.
        const spans: [string | null, number][] = [];
        const durations: string[] = [];
        spec.forEach((block, i) => {
          spans.push([block.picture ? `p${i}` : null, 1]);
          durations.push(`${block.picture ? block.ps + dt : block.ps} ps`);
          spans.push([null, 1]);
          durations.push(`${dt} ps`);
        });
        const { compiler, shot } = compile(durations, spans);
        const trigger = compiler.computeTrigger(dt, shot);
        expect(trigger.length).toBe(numberTicks(0, shot.shotDuration, dt));
        const starts = shot.stepStartTimes;
        let tick = 0;
        spans.forEach(([picture], i) => {
          const n = numberTicks(starts[i]!, starts[i + 1]!, dt);
          // First and last tick of the block (the values in between are one run).
          if (n > 0)
            expect([trigger.at(tick), trigger.at(tick + n - 1)]).toEqual([
              picture !== null,
              picture !== null,
            ]);
          tick += n;
        });
      }),
      { numRuns: 60 },
    );
  });

  it('stays compressed for long shots (one entry per edge)', () => {
    const { compiler, shot } = compile(
      ['1 s', '10 ms', '1 s'],
      [
        [null, 1],
        ['a', 1],
        [null, 1],
      ],
    );
    const trigger = compiler.computeTrigger(1000, shot); // 1 ns: 2e9 ticks
    expect(trigger.length).toBe(2_010_000_000);
    expect(Array.from(changeTable(trigger).times)).toEqual([
      0, 1_000_000_000, 1_010_000_000, 2_010_000_000,
    ]);
  });

  it('refuses a picture shorter than one tick, naming camera, picture and lane', () => {
    // [1.2 us, 1.7 us) holds no multiple of 1 us.
    const { compiler, shot } = compile(
      ['1.2 us', '500 ns', '1 us'],
      [
        [null, 1],
        ['flash', 1],
        [null, 1],
      ],
    );
    const error = thrown(() => compiler.computeTrigger(1_000_000, shot));
    expect(error.code).toBe('INVALID_VALUE');
    expect(error.message).toContain(
      'the exposure of picture "flash" (500 ns) is too short for the time step (1000 ns)',
    );
    expect(error.location).toMatchObject({ device: 'cam', lane: 'cam', block: 1 });
  });

  it('refuses a picture of zero duration, naming the camera and the picture', () => {
    const { compiler, shot } = compile(
      ['1 ms', '0 s'],
      [
        [null, 1],
        ['empty', 1],
      ],
    );
    const error = thrown(() => compiler.compileShot(shot));
    expect(error).toBeInstanceOf(PictureTooShortError);
    expect(error.message).toContain('picture "empty" of camera "cam" lasts 0 s');
    expect(error.location).toMatchObject({ device: 'cam', lane: 'cam', block: 1 });
  });

  it('refuses two pictures with no low tick between them', () => {
    const { compiler, shot } = compile(
      ['1 us', '1 us'],
      [
        ['a', 1],
        ['b', 1],
      ],
    );
    const error = thrown(() => compiler.computeTrigger(1000, shot));
    expect(error.message).toContain('pictures "a" and "b" of camera "cam" follow each other');
  });

  it('is all low for a lane without pictures', () => {
    const { compiler, shot } = compile(['3 ns'], [[null, 1]]);
    const trigger = compiler.computeTrigger(1000, shot);
    expect(trigger.length).toBe(3);
    expect([0, 1, 2].map((i) => trigger.at(i))).toEqual([false, false, false]);
    const parameters: CameraShotParameters = compiler.compileShot(shot);
    expect(parameters.pictures).toEqual([]);
  });
});
