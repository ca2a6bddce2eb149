import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DimensionalityError, InvalidValueError, UndefinedVariableError } from '../errors/index.js';
import { ParameterType } from '../parameters/parameter-type.js';
import { Parameters } from '../parameters/parameters.js';
import { Quantity } from '../units/quantity.js';
import { IterationConfiguration } from './iteration-configuration.js';
import {
  ArangeLoop,
  ExecuteShot,
  LinspaceLoop,
  type Step,
  VariableDeclaration,
  ZipLoop,
} from './steps.js';

const shot = new ExecuteShot();
const values = (it: IterationConfiguration, name: string, constants = Parameters.empty) =>
  [...it.walk(constants)].map((p) => {
    const v = p.get(name);
    return v instanceof Quantity ? v.toString() : v;
  });

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('IterationConfiguration: walking', () => {
  it('linspace includes the stop value and gives floats or quantities in the start unit', () => {
    const it = new IterationConfiguration([
      new LinspaceLoop({ variable: 'x', start: '0', stop: '1', num: 3, steps: [shot] }),
    ]);
    expect(values(it, 'x')).toEqual([0, 0.5, 1]);
    expect([...it.walk()][0]!.typeOf('x')).toBe(ParameterType.float);
    const f = new IterationConfiguration([
      new LinspaceLoop({ variable: 'f', start: '0 MHz', stop: '10 kHz', num: 3, steps: [shot] }),
    ]);
    expect(values(f, 'f')).toEqual(['0 MHz', '0.005 MHz', '0.01 MHz']);
  });

  it('arange excludes the stop value and keeps ints when all bounds are ints', () => {
    const it = new IterationConfiguration([
      new ArangeLoop({ variable: 'n', start: '0', stop: '3', step: '1', steps: [shot] }),
    ]);
    expect(values(it, 'n')).toEqual([0, 1, 2]);
    expect([...it.walk()][0]!.typeOf('n')).toBe(ParameterType.int);
    const us = new IterationConfiguration([
      new ArangeLoop({ variable: 't', start: '0 us', stop: '1 us', step: '250 ns', steps: [shot] }),
    ]);
    expect(values(us, 't')).toEqual(['0 us', '0.25 us', '0.5 us', '0.75 us']);
    const down = new IterationConfiguration([
      new ArangeLoop({ variable: 'n', start: '3', stop: '0', step: '-1.5', steps: [shot] }),
    ]);
    expect(values(down, 'n')).toEqual([3, 1.5]);
  });

  it('keeps loop values and declarations after the loop (reference test_walk_steps test_2)', () => {
    const it = new IterationConfiguration([
      new ArangeLoop({
        variable: 'x',
        start: '0',
        stop: '10',
        step: '1',
        steps: [new VariableDeclaration('y', 'x * 2')],
      }),
      new ArangeLoop({ variable: 'z', start: 'x', stop: '11', step: '1', steps: [shot] }),
    ]);
    const shots = [...it.walk()];
    expect(shots.map((p) => p.get('z'))).toEqual([9, 10]);
    expect(shots[0]!.get('y')).toBe(18);
  });

  it('starts from all the constants, so a step can use a constant it redefines (quirk fixed)', () => {
    const it = new IterationConfiguration([new VariableDeclaration('a', 'a + 1'), shot]);
    expect(values(it, 'a', Parameters.of({ a: 1 }))).toEqual([2]);
  });

  it('walks nested loops in order with every shot containing the constants', () => {
    const it = new IterationConfiguration([
      new LinspaceLoop({
        variable: 'x',
        start: '0',
        stop: '1',
        num: 2,
        steps: [new ArangeLoop({ variable: 'y', start: '0', stop: '2', step: '1', steps: [shot] })],
      }),
    ]);
    const shots = [...it.walk(Parameters.of({ c: 7 }))];
    expect(shots.map((p) => [p.get('x'), p.get('y'), p.get('c')])).toEqual([
      [0, 0, 7],
      [0, 1, 7],
      [1, 0, 7],
      [1, 1, 7],
    ]);
  });

  it('is lazy: the first shots of a huge scan come at once', () => {
    const it = new IterationConfiguration([
      new ArangeLoop({ variable: 'n', start: '0', stop: '1e8', step: '1', steps: [shot] }),
    ]);
    const first: unknown[] = [];
    for (const p of it.walk()) {
      first.push(p.get('n'));
      if (first.length === 3) break;
    }
    expect(first).toEqual([0, 1, 2]);
  });

  it('zips variables in lockstep over value lists and linspaces', () => {
    const it = new IterationConfiguration([
      new ZipLoop({
        columns: [
          { variable: 'a', values: ['1', '2', '3'] },
          { variable: 'b', start: '0 V', stop: '1 V', num: 3 },
          { variable: 'c', values: ['1 MHz', '500 kHz', '2 MHz'] },
        ],
        steps: [shot],
      }),
    ]);
    const shots = [...it.walk()];
    expect(shots.map((p) => p.get('a'))).toEqual([1, 2, 3]);
    expect(values(it, 'b')).toEqual(['0 V', '0.5 V', '1 V']);
    expect(values(it, 'c')).toEqual(['1 MHz', '0.5 MHz', '2 MHz']);
    expect(shots[0]!.typeOf('a')).toBe(ParameterType.int);
  });

  it('refuses zipped columns of unequal lengths', () => {
    expect(
      () =>
        new ZipLoop({
          columns: [
            { variable: 'a', values: ['1', '2'] },
            { variable: 'b', start: '0', stop: '1', num: 3 },
          ],
        }),
    ).toThrow(/same length: a has 2, b has 3/);
    const e = thrown(() =>
      IterationConfiguration.fromJSON({
        steps: [
          shot,
          {
            kind: 'zip',
            columns: [
              { variable: 'a', values: ['1'] },
              { variable: 'b', values: [] },
            ],
            steps: [],
          },
        ].map((s) => (s instanceof ExecuteShot ? { kind: 'shot' } : s)),
      }),
    );
    expect(e.message).toMatch(/same length.*\(step 1, zip\)/);
  });

  it('shuffles loops reproducibly from the stored seed', () => {
    const make = (seed: number) =>
      new IterationConfiguration([
        new LinspaceLoop({
          variable: 'x',
          start: '0',
          stop: '19',
          num: 20,
          shuffle: { seed },
          steps: [shot],
        }),
      ]);
    const a = values(make(1), 'x');
    expect(values(make(1), 'x')).toEqual(a);
    expect([...a].sort((p, q) => (p as number) - (q as number))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(values(make(2), 'x')).not.toEqual(a);
    const json = make(42).toJSON();
    expect(json.steps[0]).toMatchObject({ shuffle: { seed: 42 } });
    expect(values(IterationConfiguration.fromJSON(json), 'x')).toEqual(values(make(42), 'x'));
    const random = new LinspaceLoop({
      variable: 'x',
      start: '0',
      stop: '1',
      num: 2,
      shuffle: true,
    });
    expect(random.shuffle?.seed).toBeGreaterThanOrEqual(0);
  });

  it('draws a new order each time a nested shuffled loop is entered, reproducibly', () => {
    const it = new IterationConfiguration([
      new ArangeLoop({
        variable: 'o',
        start: '0',
        stop: '5',
        step: '1',
        steps: [
          new ArangeLoop({
            variable: 'i',
            start: '0',
            stop: '8',
            step: '1',
            shuffle: { seed: 7 },
            steps: [shot],
          }),
        ],
      }),
    ]);
    const orders = values(it, 'i');
    expect(values(it, 'i')).toEqual(orders);
    const rows = Array.from({ length: 5 }, (_, k) => orders.slice(8 * k, 8 * k + 8).join());
    expect(new Set(rows).size).toBeGreaterThan(1);
  });

  it('names the step of an error, nested steps with dots', () => {
    const it = new IterationConfiguration([
      shot,
      new LinspaceLoop({
        variable: 'x',
        start: '0',
        stop: '1',
        num: 2,
        steps: [shot, new VariableDeclaration('b', 'nope * 2')],
      }),
    ]);
    const e = thrown(() => [...it.walk()]);
    expect(e).toBeInstanceOf(UndefinedVariableError);
    expect(e.message).toBe(
      'undefined variable "nope" (step 1.1, declare b, expression "nope * 2", column 1)',
    );
    const dims = new IterationConfiguration([
      new LinspaceLoop({ variable: 'x', start: '0', stop: '1 us', num: 2, steps: [shot] }),
    ]);
    expect(() => [...dims.walk()]).toThrow(
      /the start "0" \(dimensionless\) and the stop "1 us" \(time \[s\]\) have different dimensions \(step 0, linspace x\)/,
    );
    const zero = new IterationConfiguration([
      new ArangeLoop({ variable: 'x', start: '0', stop: '1', step: '0', steps: [shot] }),
    ]);
    expect(() => [...zero.walk()]).toThrow(/the step "0" is zero \(step 0, arange x/);
  });
});

describe('IterationConfiguration: shot count and schema', () => {
  it('counts shots: linspace num=10 gives 10', () => {
    const it = new IterationConfiguration([
      new LinspaceLoop({ variable: 'x', start: '0', stop: '1', num: 10, steps: [shot] }),
    ]);
    expect(it.expectedShotCount()).toBe(10);
  });

  it('evaluates arange bounds with the constants and earlier declarations (quirk 8 fixed)', () => {
    const it = new IterationConfiguration([
      new VariableDeclaration('m', 'n * 2'),
      new ArangeLoop({ variable: 'x', start: '0', stop: 'm', step: '1', steps: [shot, shot] }),
      shot,
    ]);
    expect(it.expectedShotCount(Parameters.of({ n: 3 }))).toBe(13);
  });

  it('is unknown only when bounds depend on values set while walking', () => {
    const nested = (stop: string) =>
      new IterationConfiguration([
        new ArangeLoop({
          variable: 'x',
          start: '1',
          stop: '4',
          step: '1',
          steps: [new ArangeLoop({ variable: 'y', start: '0', stop, step: '1', steps: [shot] })],
        }),
      ]);
    expect(nested('x').expectedShotCount()).toBeNull();
    expect(nested('5').expectedShotCount()).toBe(15);
    const after = new IterationConfiguration([
      new ArangeLoop({ variable: 'x', start: '0', stop: '4', step: '1', steps: [] }),
      new ArangeLoop({ variable: 'y', start: '0', stop: 'x', step: '1', steps: [shot] }),
    ]);
    expect(after.expectedShotCount()).toBe(3);
    const carried = new IterationConfiguration([
      new VariableDeclaration('k', '0'),
      new ArangeLoop({
        variable: 'x',
        start: '0',
        stop: '3',
        step: '1',
        steps: [new VariableDeclaration('k', 'k + 1')],
      }),
      new ArangeLoop({ variable: 'y', start: '0', stop: 'k', step: '1', steps: [shot] }),
    ]);
    expect(carried.expectedShotCount()).toBeNull();
    expect([...carried.walk()]).toHaveLength(3);
    const zero = new IterationConfiguration([
      new LinspaceLoop({
        variable: 'x',
        start: '0',
        stop: '1',
        num: 0,
        steps: [new ArangeLoop({ variable: 'y', start: '0', stop: 'x', step: '1', steps: [shot] })],
      }),
    ]);
    expect(zero.expectedShotCount()).toBe(0);
  });

  it('refuses a count for a loop that cannot be valid, naming the step', () => {
    const it = new IterationConfiguration([
      new ArangeLoop({ variable: 'x', start: '0', stop: '1 us', step: '1', steps: [shot] }),
    ]);
    const e = thrown(() => it.expectedShotCount());
    expect(e).toBeInstanceOf(DimensionalityError);
    expect(e.message).toMatch(/\(step 0, arange x\)/);
  });

  it('lists the parameter names set by the iteration', () => {
    const it = new IterationConfiguration([
      new VariableDeclaration('a', '1'),
      new LinspaceLoop({
        variable: 'b',
        start: '0',
        stop: '1',
        num: 2,
        steps: [
          new ZipLoop({
            columns: [
              { variable: 'c', values: ['1'] },
              { variable: 'd.e', values: ['2'] },
            ],
          }),
        ],
      }),
    ]);
    expect([...it.parameterNames()].sort()).toEqual(['a', 'b', 'c', 'd.e']);
  });

  it('builds the schema: 0 MHz to 10 kHz is a quantity in MHz', () => {
    const it = new IterationConfiguration([
      new LinspaceLoop({ variable: 'f', start: '0 MHz', stop: '10 kHz', num: 3, steps: [shot] }),
    ]);
    const schema = it.parameterSchema(Parameters.empty);
    expect(schema.variables.get('f' as never)).toEqual(ParameterType.quantity('MHz'));
  });

  it('builds the schema with constants: var = 2*a is an int, b a float, a constant', () => {
    const it = new IterationConfiguration([
      new VariableDeclaration('var', '2*a'),
      new LinspaceLoop({ variable: 'b', start: '0', stop: '1', num: 2, steps: [shot] }),
    ]);
    const schema = it.parameterSchema(Parameters.of({ a: 0, const: new Quantity(12, 'MHz') }));
    expect(schema.variables.get('var' as never)).toBe(ParameterType.int);
    expect(schema.variables.get('b' as never)).toBe(ParameterType.float);
    expect(schema.constants.names).toEqual(['a', 'const']);
  });

  it('makes a constant redefined by a loop a variable', () => {
    const it = new IterationConfiguration([
      new LinspaceLoop({ variable: 'a', start: '0', stop: '1', num: 2, steps: [shot] }),
    ]);
    const schema = it.parameterSchema(Parameters.of({ a: 1, k: 2 }));
    expect(schema.isConstant('a')).toBe(false);
    expect(schema.variables.get('a' as never)).toBe(ParameterType.float);
    expect(schema.constants.names).toEqual(['k']);
  });

  it('gives only constants when there are no shots', () => {
    const schema = IterationConfiguration.empty().parameterSchema(Parameters.of({ a: 1 }));
    expect(schema.constants.names).toEqual(['a']);
    expect(schema.variables.size).toBe(0);
  });
});

describe('IterationConfiguration: JSON', () => {
  it('stores { steps: [...] } with a kind on every step', () => {
    const it = new IterationConfiguration([
      new VariableDeclaration('a', '1'),
      new LinspaceLoop({ variable: 'x', start: '0', stop: '1', num: 2, steps: [shot] }),
    ]);
    expect(it.toJSON()).toEqual({
      steps: [
        { kind: 'declare', variable: 'a', value: '1' },
        {
          kind: 'linspace',
          variable: 'x',
          start: '0',
          stop: '1',
          num: 2,
          steps: [{ kind: 'shot' }],
        },
      ],
    });
  });

  it('rejects malformed JSON naming the step, applying nothing', () => {
    expect(() =>
      IterationConfiguration.fromJSON({
        steps: [
          { kind: 'shot' },
          { kind: 'linspace', variable: 'x', start: '0', stop: '1', num: -1, steps: [] },
        ],
      }),
    ).toThrow(/\(num\).*\(step 1\)/);
    expect(() => IterationConfiguration.fromJSON({ steps: [{ kind: 'loop' }] })).toThrow(/step 0/);
    expect(() =>
      IterationConfiguration.fromJSON({
        steps: [
          {
            kind: 'arange',
            variable: 'x',
            start: '0',
            stop: '1',
            step: '1',
            steps: [{ kind: 'declare', variable: 'b', value: '1 +' }],
          },
        ],
      }),
    ).toThrow(
      /a value is missing after "\+" \(step 0\.0, declare b, expression "1 \+", column 3\)/,
    );
    expect(() =>
      IterationConfiguration.fromJSON({
        steps: [{ kind: 'declare', variable: 'a b', value: '1' }],
      }),
    ).toThrow(InvalidValueError);
    expect(() => IterationConfiguration.fromJSON([])).toThrow(InvalidValueError);
  });

  const expr = fc.constantFrom('0', '1', '2.5', '1 MHz', 'a * 2', '-3 dBm');
  const name = fc.constantFrom('a', 'b', 'mot.detuning', 'x1');
  const shuffle = fc.option(fc.record({ seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }), {
    nil: undefined,
  });
  const step: fc.Arbitrary<Step> = fc.letrec<{ step: Step }>((tie) => ({
    step: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(new ExecuteShot()),
      fc.tuple(name, expr).map(([n, e]) => new VariableDeclaration(n, e)),
      fc
        .tuple(name, expr, expr, fc.nat(20), shuffle, fc.array(tie('step'), { maxLength: 3 }))
        .map(
          ([variable, start, stop, num, s, steps]) =>
            new LinspaceLoop({ variable, start, stop, num, shuffle: s, steps }),
        ),
      fc
        .tuple(name, expr, expr, expr, shuffle, fc.array(tie('step'), { maxLength: 3 }))
        .map(
          ([variable, start, stop, st, s, steps]) =>
            new ArangeLoop({ variable, start, stop, step: st, shuffle: s, steps }),
        ),
      fc
        .tuple(
          fc.array(expr, { minLength: 2, maxLength: 2 }),
          expr,
          expr,
          shuffle,
          fc.array(tie('step'), { maxLength: 3 }),
        )
        .map(
          ([vals, start, stop, s, steps]) =>
            new ZipLoop({
              columns: [
                { variable: 'p', values: vals },
                { variable: 'q', start, stop, num: 2 },
              ],
              shuffle: s,
              steps,
            }),
        ),
    ),
  })).step;

  it('round-trips any iteration through JSON text (property)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 4 }), (steps) => {
        const json = new IterationConfiguration(steps).toJSON();
        const back = IterationConfiguration.fromJSON(JSON.parse(JSON.stringify(json)));
        expect(back.toJSON()).toEqual(json);
      }),
    );
  });
});
