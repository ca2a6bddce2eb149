import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors/index.js';
import { Pattern, concatenate, repeat } from '../instructions/index.js';
import { CameraTimeLane, TakePicture } from '../time-lanes/index.js';
import { numberTicks, stepStartTimes } from '../time/index.js';
import { cameraExposures, compileCameraLane, compileCameraTrigger } from './compile-camera-lane.js';

const NS = 1000;
const MS = 1e9;

describe('camera lanes', () => {
  const lane = new CameraTimeLane([
    [null, 1],
    [new TakePicture('atoms'), 2],
    [null, 1],
    [new TakePicture('background'), 1],
  ]);
  const starts = stepStartTimes([MS, 2 * MS, 3 * MS, 4 * MS, 5 * MS]);

  it('gives the pictures and their exposures in seconds', () => {
    const { pictureNames, exposures } = cameraExposures(lane, starts);
    expect(pictureNames).toEqual(['atoms', 'background']);
    expect(exposures[0]).toBeCloseTo(0.005, 15);
    expect(exposures[1]).toBeCloseTo(0.005, 15);
  });

  it('triggers high during the picture blocks, over the whole shot', () => {
    const trigger = compileCameraTrigger(lane, starts, 10 * NS);
    const ticks = (ms: number): number => (ms * MS) / (10 * NS);
    const expected = concatenate(
      repeat(Pattern.of([false]), ticks(1)),
      repeat(Pattern.of([true]), ticks(5)),
      repeat(Pattern.of([false]), ticks(4)),
      repeat(Pattern.of([true]), ticks(5)),
    );
    expect(trigger.valueEquals(expected)).toBe(true);
    expect(trigger.length).toBe(numberTicks(0, starts[starts.length - 1]!, 10 * NS));
    expect(compileCameraLane(lane, starts, 10 * NS).trigger.equals(trigger)).toBe(true);
  });

  it('refuses a picture shorter than the time step, naming lane, block and step', () => {
    const short = new CameraTimeLane([
      [null, 1],
      [new TakePicture('flash'), 1],
      [null, 1],
    ]);
    let error: unknown;
    try {
      compileCameraTrigger(short, [0, 1500, 1900, 5000], NS, {
        laneName: 'cam',
        stepNames: ['wait', 'flash', 'rest'],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidValueError);
    expect((error as Error).message).toMatch(/too short for the time step/);
    expect((error as Error).message).toMatch(/step 1 \(flash\), lane "cam", block 1/);
  });
});
