import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTypeError, InvalidValueError, UndefinedVariableError } from '../errors/index.js';
import { Quantity } from '../units/quantity.js';
import { DottedName } from './dotted-name.js';
import { ParameterNamespace } from './parameter-namespace.js';
import { ParameterSchema } from './parameter-schema.js';
import { ParameterType, type ParameterValue } from './parameter-type.js';
import { Parameters } from './parameters.js';

describe('DottedName', () => {
  it('accepts identifiers joined by dots and gives its parts', () => {
    expect(DottedName.parse('mot.detuning')).toBe('mot.detuning');
    expect(DottedName.parts(DottedName.parse('a.b.c'))).toEqual(['a', 'b', 'c']);
    expect(DottedName.join('a', 'b.c')).toBe('a.b.c');
    expect(DottedName.isValid('_x1')).toBe(true);
  });

  it('rejects bad names, naming the bad part', () => {
    expect(() => DottedName.parse('a b')).toThrow(/"a b" in "a b" is not an identifier/);
    expect(() => DottedName.parse('a..b')).toThrow(/empty part/);
    expect(() => DottedName.parse('1a')).toThrow(InvalidValueError);
    expect(() => DottedName.parse('')).toThrow(/cannot be empty/);
  });
});

describe('Parameters', () => {
  it('is an immutable map of dotted names to typed values', () => {
    const p = Parameters.of({ 'mot.detuning': new Quantity(-2, 'MHz'), n: 3, x: 0.5, on: true });
    expect(p.get('n')).toBe(3);
    expect(p.typeOf('n')).toBe(ParameterType.int);
    expect(p.typeOf('x')).toBe(ParameterType.float);
    expect(p.typeOf('on')).toBe(ParameterType.bool);
    expect(p.typeOf('mot.detuning')).toBe(ParameterType.quantity('MHz'));
    expect(p.has('nope')).toBe(false);
    expect(p.get('nope')).toBeUndefined();
    const q = p.with('n', 4);
    expect(p.get('n')).toBe(3);
    expect(q.get('n')).toBe(4);
    expect([...q.entries()].map(([n]) => n)).toEqual(['mot.detuning', 'n', 'x', 'on']);
  });

  it('keeps an explicit float type for integer values, and checks explicit types', () => {
    const p = Parameters.empty.with('x', 1, ParameterType.float);
    expect(p.typeOf('x')).toBe(ParameterType.float);
    expect(() => Parameters.empty.with('x', 1.5, ParameterType.int)).toThrow(InvalidTypeError);
    expect(() => Parameters.empty.with('x', 1, ParameterType.quantity('MHz'))).toThrow(
      /1 is not a value of type quantity \[MHz\] \(parameter "x"\)/,
    );
    expect(() => Parameters.empty.with('a b', 1)).toThrow(InvalidValueError);
  });

  it('stores as { name: value } with quantities as { magnitude, unit }', () => {
    const p = Parameters.of({ 'mot.detuning': new Quantity(2, 'MHz'), n: 3 });
    expect(p.toJSON()).toEqual({ 'mot.detuning': { magnitude: 2, unit: 'MHz' }, n: 3 });
    const back = Parameters.fromJSON(p.toJSON());
    expect(back.equals(p)).toBe(true);
    const typed = Parameters.fromJSON({ x: 2 }, () => ParameterType.float);
    expect(typed.typeOf('x')).toBe(ParameterType.float);
  });

  it('rejects malformed stored parameters naming the parameter', () => {
    expect(() => Parameters.fromJSON({ a: 'x' })).toThrow(/parameter "a"/);
    expect(() => Parameters.fromJSON({ a: { magnitude: 1, unit: 'foo' } })).toThrow(
      /undefined unit "foo".*parameter "a"/,
    );
    expect(() => Parameters.fromJSON([1])).toThrow(InvalidValueError);
  });

  const arbValue: fc.Arbitrary<[ParameterValue, ParameterType]> = fc.oneof(
    fc.boolean().map((b): [ParameterValue, ParameterType] => [b, ParameterType.bool]),
    fc.integer().map((n): [ParameterValue, ParameterType] => [n, ParameterType.int]),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((x): [ParameterValue, ParameterType] => [x === 0 ? 0 : x, ParameterType.float]),
    fc
      .tuple(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom('MHz', 'V', 'dBm', 'us', '°'),
      )
      .map(([m, u]): [ParameterValue, ParameterType] => [
        new Quantity(m === 0 ? 0 : m, u),
        ParameterType.quantity(u),
      ]),
  );
  const arbName = fc
    .array(fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join('.'));
  const arbParameters = fc
    .array(fc.tuple(arbName, arbValue), { maxLength: 8 })
    .map((entries) => Parameters.fromEntries(entries.map(([n, [v, t]]) => [n, v, t] as const)));

  it('round-trips its lossless JSON, and its stored JSON with the types (property)', () => {
    fc.assert(
      fc.property(arbParameters, (p) => {
        expect(
          Parameters.fromTypedJSON(JSON.parse(JSON.stringify(p.toTypedJSON()))).equals(p),
        ).toBe(true);
        const stored = Parameters.fromJSON(JSON.parse(JSON.stringify(p)), (n) => p.typeOf(n));
        expect(stored.equals(p)).toBe(true);
      }),
    );
  });

  it('behaves like a map under with/without (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c.d', 'e'), fc.integer(), fc.boolean()), {
          maxLength: 30,
        }),
        (ops) => {
          let p = Parameters.empty;
          const model = new Map<string, number>();
          for (const [name, value, remove] of ops) {
            if (remove) {
              p = p.without(name);
              model.delete(name);
            } else {
              p = p.with(name, value);
              model.set(name, value);
            }
          }
          expect(new Map(p.entries())).toEqual(model);
          expect(p.size).toBe(model.size);
        },
      ),
    );
  });
});

describe('ParameterNamespace', () => {
  const ns = ParameterNamespace.fromEntries([
    ['a', '1'],
    [
      'b',
      ParameterNamespace.fromEntries([
        ['c', '2 MHz'],
        ['d', ParameterNamespace.fromMapping({ e: '3' })],
      ]),
    ],
  ]);

  it('flattens in order, joining prefixes', () => {
    expect(ns.flatten().map(([n, e]) => [n, e.source])).toEqual([
      ['a', '1'],
      ['b.c', '2 MHz'],
      ['b.d.e', '3'],
    ]);
    expect(ns.entries.map(([n]) => n)).toEqual(['a', 'b']);
  });

  it('round-trips JSON as a list of [name, value] with nested lists', () => {
    expect(
      ParameterNamespace.fromJSON([
        ['a', '1'],
        ['b', [['c', '2']]],
      ]).toJSON(),
    ).toEqual([
      ['a', '1'],
      ['b', [['c', '2']]],
    ]);
    expect(ParameterNamespace.fromJSON(JSON.parse(JSON.stringify(ns))).equals(ns)).toBe(true);
  });

  it('round-trips any namespace through JSON text (property)', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,4}$/);
    const expression = fc.constantFrom('1', '2 MHz', 'a * 2', '-3 dBm', 'sqrt(2) V');
    const json = fc.letrec<{ ns: [string, unknown][] }>((tie) => ({
      ns: fc.array(fc.tuple(name, fc.oneof({ depthSize: 'small' }, expression, tie('ns'))), {
        maxLength: 4,
      }),
    })).ns;
    fc.assert(
      fc.property(json, (j) => {
        const ns = ParameterNamespace.fromJSON(j);
        expect(ns.toJSON()).toEqual(j);
        expect(ParameterNamespace.fromJSON(JSON.parse(JSON.stringify(ns))).equals(ns)).toBe(true);
      }),
    );
  });

  it('returns the last definition of a name, dotted or nested', () => {
    const both = ParameterNamespace.fromEntries([
      ['a.b', '1'],
      ['a', ParameterNamespace.fromMapping({ b: '2' })],
    ]);
    expect(both.get('a.b')?.source).toBe('2');
    expect(both.get('x')).toBeUndefined();
  });

  it('evaluates in order, each seeing the values before it, dotted names included', () => {
    const p = ParameterNamespace.fromMapping({
      a: '1',
      b: '2*a',
      mot: { detuning: '-2 MHz' },
      c: 'mot.detuning * b',
    }).evaluate();
    expect(p.get('a')).toBe(1);
    expect(p.get('b')).toBe(2);
    expect(p.typeOf('b')).toBe(ParameterType.int);
    expect((p.get('c') as Quantity).toString()).toBe('-4 MHz');
    expect(ParameterNamespace.fromMapping({ f: '1 kHz' }).evaluate().get('f')).toBeInstanceOf(
      Quantity,
    );
  });

  it('lets a later definition overwrite an earlier one', () => {
    const p = ParameterNamespace.fromEntries([
      ['a', '1'],
      ['b', 'a'],
      ['a', 'b + 1'],
    ]).evaluate();
    expect(p.get('a')).toBe(2);
    expect(p.names).toEqual(['a', 'b']);
  });

  it('replaces every definition of a name, dotted or nested', () => {
    const both = ParameterNamespace.fromEntries([
      ['a.b', '1'],
      ['a', ParameterNamespace.fromMapping({ b: '2' })],
    ]);
    expect(
      both
        .replace('a.b', '5')
        .flatten()
        .map(([, e]) => e.source),
    ).toEqual(['5', '5']);
  });

  it('names the parameter when an expression fails, and rejects bad JSON', () => {
    const bad = ParameterNamespace.fromMapping({ a: '1', b: { c: 'nope + 1' } });
    expect(() => bad.evaluate()).toThrow(UndefinedVariableError);
    expect(() => bad.evaluate()).toThrow(/parameter "b.c"/);
    expect(() => ParameterNamespace.fromJSON([['a', '1 +']])).toThrow(/parameter "a"/);
    expect(() => ParameterNamespace.fromJSON([['b', [['c d', '1']]]])).toThrow(/parameter "b.c d"/);
    expect(() => ParameterNamespace.fromJSON({ a: '1' })).toThrow(InvalidValueError);
  });
});

describe('ParameterSchema', () => {
  it('separates constants with values from variables with types', () => {
    const schema = new ParameterSchema(
      Parameters.of({ c: new Quantity(12, 'MHz') }),
      new Map([
        ['a', ParameterType.int],
        ['b', ParameterType.float],
      ]),
    );
    expect(schema.isConstant('c')).toBe(true);
    expect(schema.isVariable('a')).toBe(true);
    expect(schema.typeOf('c')).toBe(ParameterType.quantity('MHz'));
    expect(schema.names).toEqual(['c', 'a', 'b']);
    expect(ParameterSchema.fromJSON(JSON.parse(JSON.stringify(schema))).toJSON()).toEqual(
      schema.toJSON(),
    );
  });

  it('refuses a name that is both constant and variable', () => {
    expect(
      () => new ParameterSchema(Parameters.of({ a: 1 }), new Map([['a', ParameterType.int]])),
    ).toThrow(/both a constant and a variable/);
  });

  it('validates a shot against the variable types, naming the parameter', () => {
    const schema = new ParameterSchema(Parameters.empty, new Map([['a', ParameterType.float]]));
    expect(() => schema.validate(Parameters.of({ a: true }))).toThrow(/parameter "a"/);
    expect(() => schema.validate(Parameters.empty)).toThrow(/missing/);
    schema.validate(Parameters.empty.with('a', 1, ParameterType.float));
  });
});
