import {
  type DimensionedSeries,
  DigitalTimeLane,
  Parameters,
  Pattern,
  Quantity,
  Unit,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { LaneCache } from './lane-cache.js';

describe('the lane cache', () => {
  const lane = new DigitalTimeLane([
    ['square_wave(x, 0.5)', 1],
    [true, 1],
  ]);
  const starts = [0, 1000, 2000];

  function counting(): { compile: () => DimensionedSeries; calls: () => number } {
    let calls = 0;
    return {
      compile: () => {
        calls++;
        return { values: Pattern.of([calls % 2 === 0]), unit: Unit.dimensionless };
      },
      calls: () => calls,
    };
  }

  it('compiles a lane again only when something it depends on changed', () => {
    const cache = new LaneCache();
    const { compile, calls } = counting();
    const at = (parameters: Parameters, s = starts, timeStep = 1000) =>
      cache.series('a', lane, timeStep, s, parameters, compile);
    const first = at(Parameters.of({ x: 0.25, y: 1 }));
    expect(at(Parameters.of({ x: 0.25, y: 2 }))).toBe(first);
    expect(calls()).toBe(1);
    at(Parameters.of({ x: 0.75, y: 2 }));
    expect(calls()).toBe(2);
    at(Parameters.of({ x: 0.75, y: 2 }), [0, 1000, 3000]);
    expect(calls()).toBe(3);
    at(Parameters.of({ x: 0.75, y: 2 }), [0, 1000, 3000], 500);
    expect(calls()).toBe(4);
    at(Parameters.of({ x: 0.75, y: 2 }), [0, 1000, 3000], 500);
    expect(calls()).toBe(4);
  });

  it('compares quantities by value', () => {
    const cache = new LaneCache();
    const { compile, calls } = counting();
    const at = (x: Quantity) =>
      cache.series('a', lane, 1000, starts, Parameters.of({ x }), compile);
    at(new Quantity(1, 'MHz'));
    at(new Quantity(1, 'MHz'));
    expect(calls()).toBe(1);
    at(new Quantity(2, 'MHz'));
    expect(calls()).toBe(2);
  });

  it('tells lanes apart by name and by lane', () => {
    const cache = new LaneCache();
    const { compile, calls } = counting();
    cache.series('a', lane, 1000, starts, Parameters.empty, compile);
    cache.series('b', lane, 1000, starts, Parameters.empty, compile);
    cache.series('a', new DigitalTimeLane([[true, 2]]), 1000, starts, Parameters.empty, compile);
    expect(calls()).toBe(3);
  });
});
