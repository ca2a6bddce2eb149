import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, InvalidTypeError, InvalidValueError } from '../errors/index.js';
import { Expression } from '../expression/expression.js';
import { AnalogRamp, AnalogTimeLane } from './analog-time-lane.js';
import { CameraTimeLane, TakePicture } from './camera-time-lane.js';
import { DigitalTimeLane } from './digital-time-lane.js';
import { LaneTypeRegistry, UnknownLaneTypeError } from './lane-type-registry.js';
import { type SpannedValue, TimeLane } from './time-lane.js';
import { TimeLanes } from './time-lanes.js';

const plain = (lane: TimeLane<unknown>) =>
  lane.values().map((v) => (v instanceof Expression ? v.source : v));

describe('TimeLane: run-length blocks (reference test_timelane)', () => {
  const lane = new DigitalTimeLane([
    [true, 3],
    [false, 2],
  ]);

  it('has blocks with start and stop steps and one value per step', () => {
    expect(lane.length).toBe(5);
    expect(lane.blocks.map((b) => [b.value, b.start, b.stop])).toEqual([
      [true, 0, 3],
      [false, 3, 5],
    ]);
    expect(lane.valueAt(2)).toBe(true);
    expect(lane.valueAt(-1)).toBe(false);
    expect(lane.blockIndexAt(3)).toBe(1);
    expect(() => lane.valueAt(5)).toThrow(RangeError);
  });

  it('sets a step by splitting its block, also with a negative index', () => {
    expect(lane.withStep(1, false).spannedValues()).toEqual([
      [true, 1],
      [false, 1],
      [true, 1],
      [false, 2],
    ]);
    expect(plain(lane.withStep(-1, true))).toEqual([true, true, true, false, true]);
    expect(plain(lane)).toEqual([true, true, true, false, false]);
  });

  it('never merges equal neighbours', () => {
    expect(lane.withStep(3, true).spannedValues()).toEqual([
      [true, 3],
      [true, 1],
      [false, 1],
    ]);
  });

  it('inserts at the start, in the middle and at the end', () => {
    expect(plain(lane.insertStep(0, false))).toEqual([false, true, true, true, false, false]);
    expect(plain(lane.insertStep(2, false))).toEqual([true, true, false, true, false, false]);
    expect(plain(lane.insertStep(5, true))).toEqual([true, true, true, false, false, true]);
    expect(lane.insertStep(3).spannedValues()).toEqual([
      [true, 4],
      [false, 2],
    ]);
  });

  it('sets a range inside a block and across blocks as one block', () => {
    expect(lane.withRange(1, 2, false).spannedValues()).toEqual([
      [true, 1],
      [false, 1],
      [true, 1],
      [false, 2],
    ]);
    expect(lane.withRange(2, 4, false).spannedValues()).toEqual([
      [true, 2],
      [false, 2],
      [false, 1],
    ]);
    expect(() => lane.withRange(2, 2, true)).toThrow(RangeError);
  });

  it('deletes a step by shrinking or removing its block', () => {
    expect(lane.deleteStep(0).spannedValues()).toEqual([
      [true, 2],
      [false, 2],
    ]);
    expect(lane.withStep(3, true).deleteStep(3).spannedValues()).toEqual([
      [true, 3],
      [false, 1],
    ]);
  });

  it('validates values and spans, naming the block', () => {
    expect(() => new DigitalTimeLane([[1 as never, 1]])).toThrow(InvalidTypeError);
    expect(
      () =>
        new DigitalTimeLane([
          [true, 1],
          [true, 0],
        ]),
    ).toThrow(/block 1/);
    expect(() => new AnalogTimeLane([[true as never, 1]])).toThrow(/expressions or ramps/);
    expect(() => new CameraTimeLane([['x' as never, 1]])).toThrow(/pictures or null/);
  });

  // Model: plain arrays. Every edit of a lane must match the same edit of the array.
  type Op =
    | { kind: 'set'; step: number; value: boolean }
    | { kind: 'range'; a: number; b: number; value: boolean }
    | { kind: 'insert'; step: number; value: boolean | undefined }
    | { kind: 'delete'; step: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), step: fc.nat(20), value: fc.boolean() }),
    fc.record({
      kind: fc.constant('range' as const),
      a: fc.nat(20),
      b: fc.nat(20),
      value: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      step: fc.nat(20),
      value: fc.option(fc.boolean(), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('delete' as const), step: fc.nat(20) }),
  );

  it('edits like a plain list of values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(op, { maxLength: 15 }),
        (spans, ops) => {
          let lane = new DigitalTimeLane(spans);
          let model: boolean[] = spans.flatMap(([v, n]) => Array<boolean>(n).fill(v));
          for (const o of ops) {
            const n = model.length;
            switch (o.kind) {
              case 'set':
                if (n === 0) continue;
                lane = lane.withStep(o.step % n, o.value);
                model[o.step % n] = o.value;
                break;
              case 'range': {
                if (n === 0) continue;
                const a = Math.min(o.a % n, o.b % n);
                const b = Math.max(o.a % n, o.b % n) + 1;
                lane = lane.withRange(a, b, o.value);
                model = [
                  ...model.slice(0, a),
                  ...Array<boolean>(b - a).fill(o.value),
                  ...model.slice(b),
                ];
                break;
              }
              case 'insert': {
                const s = o.step % (n + 1);
                if (o.value === undefined) {
                  if (n === 0) continue;
                  lane = lane.insertStep(s);
                  model.splice(s, 0, model[s === 0 ? 0 : s - 1]!);
                } else {
                  lane = lane.insertStep(s, o.value);
                  model.splice(s, 0, o.value);
                }
                break;
              }
              case 'delete':
                if (n === 0) continue;
                lane = lane.deleteStep(o.step % n);
                model.splice(o.step % n, 1);
                break;
            }
            expect(lane.values()).toEqual(model);
            expect(lane.length).toBe(model.length);
            expect(lane.blocks.every((b) => b.stop > b.start)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('Lane kinds', () => {
  it('digital lanes hold booleans and expressions', () => {
    const lane = DigitalTimeLane.fromValues([true, true, 'square_wave(t / 1 ms)', false]);
    expect(lane.spannedValues().map(([v, n]) => [String(v), n])).toEqual([
      ['true', 2],
      ['square_wave(t / 1 ms)', 1],
      ['false', 1],
    ]);
  });

  it('analog lanes hold expressions and ramps; all ramps are equal', () => {
    const lane = new AnalogTimeLane([
      ['0 V', 1],
      [new AnalogRamp(), 2],
      ['1 V', 1],
    ]);
    expect(lane.valueAt(1)).toBeInstanceOf(AnalogRamp);
    expect(new AnalogRamp().equals(new AnalogRamp())).toBe(true);
    expect(lane.toJSON()).toEqual({
      type: 'analog',
      blocks: [
        [{ expression: '0 V' }, 1],
        ['ramp', 2],
        [{ expression: '1 V' }, 1],
      ],
    });
  });

  it('camera lanes hold pictures or nothing', () => {
    const lane = new CameraTimeLane([
      [null, 1],
      [new TakePicture('atoms'), 1],
      [new TakePicture('background'), 1],
    ]);
    expect(lane.pictureNames()).toEqual(['atoms', 'background']);
    expect(() => new TakePicture('')).toThrow(InvalidValueError);
  });
});

describe('TimeLanes', () => {
  const table = new TimeLanes({
    stepNames: ['load', 'image'],
    stepDurations: ['100 ms', 'exposure'],
    lanes: [
      [
        'mot',
        new DigitalTimeLane([
          [true, 1],
          [false, 1],
        ]),
      ],
      ['coil', new AnalogTimeLane([['2 A', 2]])],
      [
        'cam',
        new CameraTimeLane([
          [null, 1],
          [new TakePicture('atoms'), 1],
        ]),
      ],
    ],
  });

  it('keeps lanes by name in order, and finds them by type', () => {
    expect(table.numberSteps).toBe(2);
    expect([...table.lanes.keys()]).toEqual(['mot', 'coil', 'cam']);
    expect([...table.lanesOfType('analog').keys()]).toEqual(['coil']);
    expect(table.findLane('nope')).toBeUndefined();
    expect(() => table.lane('nope')).toThrow('there is no such lane (lane "nope")');
  });

  it('validates that every lane has one value per step', () => {
    expect(
      () =>
        new TimeLanes({
          stepNames: ['a'],
          stepDurations: ['1 ms'],
          lanes: { x: new DigitalTimeLane([[true, 2]]) },
        }),
    ).toThrow('the lane has 2 steps, the table has 1 (lane "x")');
    expect(() => new TimeLanes({ stepNames: ['a'], stepDurations: [] })).toThrow(
      /1 step names but 0/,
    );
    expect(() => new TimeLanes({ stepNames: ['a'], stepDurations: ['1 +'] })).toThrow(/step 0 "a"/);
  });

  it('inserts and deletes steps in every lane', () => {
    const inserted = table.insertStep(1, { name: 'wait', duration: '1 ms', values: { mot: true } });
    expect(inserted.stepNames).toEqual(['load', 'wait', 'image']);
    expect(inserted.stepDurations.map((d) => d.source)).toEqual(['100 ms', '1 ms', 'exposure']);
    expect(plain(inserted.lane('mot'))).toEqual([true, true, false]);
    expect(inserted.lane('mot').spannedValues()).toEqual([
      [true, 1],
      [true, 1],
      [false, 1],
    ]);
    expect(
      inserted
        .lane('coil')
        .spannedValues()
        .map(([, n]) => n),
    ).toEqual([3]);
    const deleted = inserted.deleteStep(0);
    expect(deleted.stepNames).toEqual(['wait', 'image']);
    expect(plain(deleted.lane('mot'))).toEqual([true, false]);
    expect(table.numberSteps).toBe(2);
  });

  it('edits one lane, checking the value, and leaves the table unchanged on error', () => {
    const edited = table
      .withLaneStep('mot', 1, true)
      .withLaneRange('coil', 0, 1, new Expression('0 A'));
    expect(plain(edited.lane('mot'))).toEqual([true, true]);
    expect(edited.lane('coil').numberBlocks).toBe(2);
    expect(() => table.withLaneStep('mot', 0, 3)).toThrow(/booleans or expressions.*lane "mot"/);
    expect(() =>
      table.insertStep(0, { name: 'x', duration: '1 ms', values: { nope: true } }),
    ).toThrow(/lane "nope"/);
    expect(() => table.insertStep(0, { name: 'x', duration: '1 +' })).toThrow(
      ExpressionSyntaxError,
    );
    expect(plain(table.lane('mot'))).toEqual([true, false]);
  });

  it('renames and removes lanes, keeping the order', () => {
    expect([...table.renameLane('coil', 'bias').lanes.keys()]).toEqual(['mot', 'bias', 'cam']);
    expect(() => table.renameLane('coil', 'mot')).toThrow(/already exists/);
    expect([...table.withoutLane('mot').lanes.keys()]).toEqual(['coil', 'cam']);
  });

  it('round-trips its JSON, including a 2-step ramp block', () => {
    const json = table.withLane('ramp', new AnalogTimeLane([[new AnalogRamp(), 2]])).toJSON();
    expect(json.lanes[0]).toEqual({
      name: 'mot',
      type: 'digital',
      blocks: [
        [true, 1],
        [false, 1],
      ],
    });
    const back = TimeLanes.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.toJSON()).toEqual(json);
    expect(back.equals(TimeLanes.fromJSON(json))).toBe(true);
  });

  it('rejects an unknown lane type naming the lane and the tag', () => {
    const json = { ...table.toJSON(), lanes: [{ name: 'dds0', type: 'dds', blocks: [[1, 2]] }] };
    let error: unknown;
    try {
      TimeLanes.fromJSON(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownLaneTypeError);
    expect((error as Error).message).toMatch(
      /unknown lane type "dds" .*register the plugin.*\(lane "dds0"\)/,
    );
  });

  it('rejects bad blocks naming the lane and the block', () => {
    const base = table.toJSON();
    const withLane = (lane: unknown) => ({ ...base, lanes: [lane] });
    expect(() =>
      TimeLanes.fromJSON(
        withLane({
          name: 'm',
          type: 'digital',
          blocks: [
            [true, 1],
            [3, 1],
          ],
        }),
      ),
    ).toThrow(/lane "m", block 1/);
    expect(() =>
      TimeLanes.fromJSON(
        withLane({
          name: 'm',
          type: 'digital',
          blocks: [
            [true, 1],
            ['1 +', 1],
          ],
        }),
      ),
    ).toThrow(/lane "m", block 1, expression "1 \+"/);
    expect(() =>
      TimeLanes.fromJSON(
        withLane({
          name: 'm',
          type: 'analog',
          blocks: [
            [{ expression: '1 V' }, 1],
            [{ expression: '2 Mv' }, 1],
          ],
        }),
      ),
    ).toThrow(
      'undefined unit "Mv"; did you mean "MV" or "mV"? (lane "m", block 1, expression "2 Mv", column 3)',
    );
    // Built in code, a lane names the block of a bad expression too.
    expect(
      () =>
        new AnalogTimeLane([
          ['1 V', 1],
          ['2 Mv', 1],
        ]),
    ).toThrow(/undefined unit "Mv".*\(block 1, expression "2 Mv", column 3\)/);
    expect(
      () =>
        new DigitalTimeLane([
          [true, 1],
          ['1 +', 1],
        ]),
    ).toThrow(ExpressionSyntaxError);
    expect(() =>
      TimeLanes.fromJSON(withLane({ name: 'm', type: 'digital', blocks: [[true, 0]] })),
    ).toThrow(/lane "m", block 0/);
    expect(() =>
      TimeLanes.fromJSON(withLane({ name: 'm', type: 'digital', blocks: [[true, 3]] })),
    ).toThrow(/3 steps, the table has 2 \(lane "m"\)/);
    expect(() => TimeLanes.fromJSON({ ...base, lanes: [base.lanes[0], base.lanes[0]] })).toThrow(
      /two lanes have this name \(lane "mot"\)/,
    );
  });

  it('loads plugin lane types from the registry', () => {
    class DdsLane extends TimeLane<number> {
      readonly type = 'dds' as const;
      constructor(spans: Iterable<SpannedValue<number>>) {
        super(spans);
      }
      protected checkValue(v: unknown) {
        return typeof v === 'number' ? undefined : 'a dds lane holds numbers';
      }
      protected withSpans(spans: readonly SpannedValue<number>[]): this {
        return new DdsLane(spans) as this;
      }
      valueEquals(a: number, b: number) {
        return a === b;
      }
      valueToJSON(v: number) {
        return v;
      }
    }
    const registry = LaneTypeRegistry.withBuiltins().register({
      type: 'dds',
      valueSchema: z.number(),
      decodeValue: (json) => json as number,
      create: (spans) => new DdsLane(spans),
    });
    const json = {
      stepNames: ['a', 'b'],
      stepDurations: ['1 ms', '2 ms'],
      lanes: [{ name: 'dds0', type: 'dds', blocks: [[1.5, 2]] }],
    };
    const loaded = TimeLanes.fromJSON(json, registry);
    expect(loaded.lane('dds0')).toBeInstanceOf(DdsLane);
    expect(loaded.toJSON()).toEqual(json);
    expect(() => registry.register({ ...registry, type: 'dds' } as never)).toThrow(
      /already registered/,
    );
  });

  const digitalValue = fc.oneof(
    fc.boolean(),
    fc.constantFrom('a', 'square_wave(t / 1 ms, 0.3)', 'Enabled'),
  );
  const analogValue = fc.oneof(
    fc.constant('ramp' as const),
    fc.constantFrom('0 V', '2 V * t / 1 ms', 'offset'),
  );
  const cameraValue = fc.option(fc.constantFrom('atoms', 'background'), { nil: null });
  const spansOf = <T>(arb: fc.Arbitrary<T>, total: number): fc.Arbitrary<[T, number][]> =>
    fc
      .array(fc.tuple(arb, fc.integer({ min: 1, max: total })), { minLength: 1, maxLength: 4 })
      .map((blocks) => {
        // Trim or pad the blocks so that they span exactly `total` steps.
        const out: [T, number][] = [];
        let left = total;
        for (const [v, n] of blocks) {
          if (left === 0) break;
          const span = Math.min(n, left);
          out.push([v, span]);
          left -= span;
        }
        if (left > 0) out[out.length - 1]![1] += left;
        return out;
      });

  it('round-trips any table through JSON text (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              spansOf(digitalValue, n),
              spansOf(analogValue, n),
              spansOf(cameraValue, n),
            ),
          ),
        ([n, d, a, c]) => {
          const lanes = new TimeLanes({
            stepNames: Array.from({ length: n }, (_, i) => `step ${i}`),
            stepDurations: Array.from({ length: n }, (_, i) => `${i + 1} ms`),
            lanes: [
              ['d', new DigitalTimeLane(d)],
              [
                'a',
                new AnalogTimeLane(
                  a.map(([v, s]) => [v === 'ramp' ? new AnalogRamp() : v, s] as const),
                ),
              ],
              [
                'c',
                new CameraTimeLane(
                  c.map(([v, s]) => [v === null ? null : new TakePicture(v), s] as const),
                ),
              ],
            ],
          });
          const back = TimeLanes.fromJSON(JSON.parse(JSON.stringify(lanes)));
          expect(back.equals(lanes)).toBe(true);
          expect(back.toJSON()).toEqual(lanes.toJSON());
        },
      ),
    );
  });
});
