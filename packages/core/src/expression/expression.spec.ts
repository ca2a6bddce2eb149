import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DimensionalityError,
  EvaluationError,
  ExpressionSyntaxError,
  InvalidTypeError,
  InvalidValueError,
  UndefinedUnitError,
  UndefinedVariableError,
} from '../errors/index.js';
import { ParameterNamespace } from '../parameters/parameter-namespace.js';
import { ParameterType } from '../parameters/parameter-type.js';
import { Parameters } from '../parameters/parameters.js';
import { Quantity } from '../units/quantity.js';
import { Expression, expressionSchema } from './expression.js';
import { UndefinedFunctionError } from './parse-expression.js';

const none = Parameters.empty;
const evaluate = (source: string, p: Parameters = none) => new Expression(source).evaluate(p);
const typeOf = (source: string, p: Parameters = none) => new Expression(source).resultType(p);
const q = (source: string, p: Parameters = none) => {
  const v = evaluate(source, p);
  if (!(v instanceof Quantity)) throw new Error(`${source} is not a quantity`);
  return v;
};

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('Expression: arithmetic (reference test_evaluation)', () => {
  it('computes + - * / ** on ints and keeps int and float literal types', () => {
    expect(evaluate('1 + 2')).toBe(3);
    expect(evaluate('1 - 2')).toBe(-1);
    expect(evaluate('2 * 3')).toBe(6);
    expect(evaluate('1 / 2')).toBe(0.5);
    expect(evaluate('2 ** 3')).toBe(8);
    expect(typeOf('2 * 3')).toBe(ParameterType.int);
    expect(typeOf('3')).toBe(ParameterType.int);
    expect(typeOf('3.0')).toBe(ParameterType.float);
    expect(typeOf('1e3')).toBe(ParameterType.float);
    expect(typeOf('6 / 2')).toBe(ParameterType.float);
    expect(typeOf('2 ^ 3')).toBe(ParameterType.int);
    expect(typeOf('2 ^ -1')).toBe(ParameterType.float);
  });

  it('refuses a power whose exponent has a unit: 1**5 MHz', () => {
    const e = thrown(() => evaluate('1**5 MHz'));
    expect(e).toBeInstanceOf(EvaluationError);
    expect(e.message).toContain('column 4');
  });

  it('has the math functions and constants', () => {
    expect(evaluate('sqrt(2)')).toBeCloseTo(Math.SQRT2, 15);
    expect(evaluate('cos(90°)') as number).toBeCloseTo(0, 15);
    expect(evaluate('pi')).toBe(Math.PI);
    expect(evaluate('e')).toBe(Math.E);
    expect(evaluate('Enabled')).toBe(true);
    expect(evaluate('Disabled')).toBe(false);
    expect(evaluate('atan2(1 V, 1 V)')).toBeCloseTo(Math.PI / 4, 15);
    expect(evaluate('log10(1000)')).toBeCloseTo(3, 15);
    expect(evaluate('log2(8)')).toBe(3);
    expect(evaluate('arcsin(1)')).toBe(Math.PI / 2);
    expect(evaluate('asin(1)')).toBe(Math.PI / 2);
    expect(evaluate('floor(2.7)')).toBe(2);
    expect(typeOf('floor(2.7)')).toBe(ParameterType.int);
    expect(evaluate('round(2.5)')).toBe(2);
    expect(evaluate('round(3.5)')).toBe(4);
    expect(evaluate('min(3, 1, 2)')).toBe(1);
    expect(typeOf('max(1, 2)')).toBe(ParameterType.int);
    expect(q('max(1 MHz, 3 kHz)').toString()).toBe('1 MHz');
    expect(q('abs(-2 V)').toString()).toBe('2 V');
    expect(q('sqrt(4 m^2)').toBase()).toBeCloseTo(2, 15);
  });

  it('evaluates cos(2*pi*t*freq) with quantities', () => {
    const p = Parameters.of({ t: new Quantity(1, 'ms'), freq: new Quantity(1, 'kHz') });
    expect(evaluate('cos(2*pi*t*freq)', p)).toBeCloseTo(1, 12);
  });

  it('has unary plus and minus, also on dotted variables', () => {
    const p = Parameters.of({ a: 2, 'mot.detuning': new Quantity(-3, 'MHz') });
    expect(evaluate('+a', p)).toBe(2);
    expect(q('-mot.detuning', p).toString()).toBe('3 MHz');
    expect(evaluate('-2^2')).toBe(-4);
  });
});

describe('Expression: units', () => {
  it('reads quantity literals', () => {
    expect(q('12 MHz').toString()).toBe('12 MHz');
    expect(q('12.5 MHz / V').toString()).toBe('12.5 MHz/V');
    expect(q('180°').toString()).toBe('180°');
    expect(q('140°').toBase()).toBeCloseTo((140 * Math.PI) / 180, 15);
    expect(evaluate('50%')).toBe(0.5);
    expect(q('2 m^2').unit.symbol).toBe('m^2');
  });

  it('converts log units to linear at evaluation', () => {
    expect(evaluate('0 dB')).toBe(1);
    expect(evaluate('10 dB')).toBe(10);
    expect(q('0 dBm').toBase()).toBe(1e-3);
    expect(q('-3 dBm').toString()).toBe('-3 dBm');
    expect(q('-3 dBm').toBase()).toBeCloseTo(1e-3 * 10 ** -0.3, 15);
  });

  it('keeps the magnitude of a literal, a negated literal or a parameter passed through', () => {
    // Through SI and back these would be -3.0000000000000004 dBm, 0.029000000000000005 ps and
    // 0.006999999999999999°.
    expect(q('-3 dBm').magnitude).toBe(-3);
    expect(q('0.029 ps').magnitude).toBe(0.029);
    expect(q('-(0.029 ps)').magnitude).toBe(-0.029);
    expect(q('0.007°').magnitude).toBe(0.007);
    expect(q('MHz').magnitude).toBe(1);
    const p = Parameters.of({
      power: new Quantity(0.1, 'dBm'),
      angle: new Quantity(0.007, 'deg'),
      delay: new Quantity(0.029, 'ps'),
    });
    expect(q('power', p).magnitude).toBe(0.1);
    expect(q('angle', p).magnitude).toBe(0.007);
    expect(q('-delay', p).magnitude).toBe(-0.029);
    expect(q('+delay', p).magnitude).toBe(0.029);
    const globals = ParameterNamespace.fromMapping({ rf: { power: '-3 dBm' } }).evaluate();
    expect(globals.get('rf.power')).toEqual(new Quantity(-3, 'dBm'));
    // Negating a level parameter is arithmetic on the power: a negative power, not -0.1 dBm.
    expect(() => evaluate('-power', p)).toThrow(EvaluationError);
    // Arithmetic goes through SI; a log level is still read back without float noise.
    expect(q('-3 dBm + 0 W').magnitude).toBe(-3);
  });

  it('keeps the decimals of any quantity literal (property)', () => {
    const magnitude = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 }))
      .map(([k, digits]) => Number((k / 1e6).toFixed(digits)) + 0); // no -0
    const unit = fc.constantFrom('MHz', 'us', 'ps', 'mV', 'deg', '°', 'dBm', 'mW/cm^2');
    fc.assert(
      fc.property(magnitude, unit, (m, u) => {
        const logarithmic = u === 'dBm';
        const value = q(`${m} ${u}`);
        expect(value.magnitude).toBe(m);
        if (!logarithmic) expect(q(`-(${m} ${u})`).magnitude).toBe(-m);
        const p = Parameters.of({ x: new Quantity(m, u) });
        expect(q('x', p).magnitude).toBe(m);
      }),
      { numRuns: 500 },
    );
  });

  it('names an unknown unit with its column: 12 foo', () => {
    const e = thrown(() => evaluate('12 foo'));
    expect(e).toBeInstanceOf(UndefinedUnitError);
    expect(e.message).toBe('undefined unit "foo" (expression "12 foo", column 4)');
  });

  it('refuses a misspelled unit after a number when parsing, with the column and the closest units', () => {
    const e = thrown(() => new Expression('1 Mhz'));
    expect(e).toBeInstanceOf(UndefinedUnitError);
    expect((e as UndefinedUnitError).code).toBe('UNDEFINED_UNIT');
    expect(e.message).toBe(
      'undefined unit "Mhz"; did you mean "MHz" or "mHz"? (expression "1 Mhz", column 3)',
    );
    expect(thrown(() => new Expression('-3 DBM')).message).toBe(
      'undefined unit "DBM"; did you mean "dBm"? (expression "-3 DBM", column 4)',
    );
    expect(thrown(() => new Expression('2 * (10 Khz + 1 kHz)')).message).toMatch(
      /^undefined unit "Khz"; did you mean "kHz"\? \(expression .*, column 9\)$/,
    );
    expect(thrown(() => new Expression('50 ohms')).message).toMatch(/did you mean "ohm"\?/);
    expect(thrown(() => new Expression('3 MHzz')).message).toMatch(/did you mean "MHz"\?/);
    const parsed = expressionSchema.safeParse('1 Mhz');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^undefined unit "Mhz"; did you mean/);
    // Names that do not look like units multiply (a parameter or a constant), as before.
    for (const source of ['2 pi', '2 a', '2 dx', '12 foo', '2 mot', 'x Mhz']) {
      expect(() => new Expression(source), source).not.toThrow();
    }
  });

  it('refuses 1 MHz + 1 V when compiling, naming both operands and dimensions', () => {
    const expression = new Expression('1 MHz + 1 V');
    const e = thrown(() => expression.resultType(none));
    expect(e).toBeInstanceOf(DimensionalityError);
    expect(e.message).toBe(
      'cannot add "1 MHz" (frequency [1/s]) and "1 V" (voltage [kg*m^2/s^3/A]) (expression "1 MHz + 1 V", column 7)',
    );
  });

  it('refuses functions of quantities with a dimension', () => {
    expect(() => evaluate('sin(1 MHz)')).toThrow(
      /sin\(\) needs a dimensionless argument, not "1 MHz"/,
    );
    expect(() => evaluate('max(1 MHz, 1 V)')).toThrow(DimensionalityError);
  });

  it('chooses display units by the documented rules', () => {
    expect(q('10 MHz + 20 kHz').toString()).toBe('10.02 MHz');
    expect(q('20 kHz + 10 MHz').toString()).toBe('10020 kHz');
    expect(q('2 * 3 MHz').toString()).toBe('6 MHz');
    expect(q('3 MHz / 2').toString()).toBe('1.5 MHz');
    expect(q('1 / 2 us').unit.symbol).toBe('1/us');
    expect(q('10 mV / 2 us').unit.symbol).toBe('mV/us');
    expect(q('50% * 2 MHz').toString()).toBe('1 MHz');
    expect(evaluate('10 MHz / 2 kHz')).toBeCloseTo(5000, 9);
    expect(evaluate('2 MHz * 3 us')).toBeCloseTo(6, 12);
    expect(q('0 dBm * 0 dB').toString()).toBe('0 dBm');
    expect(q('0 dBm * 1 mW').unit.symbol).toBe('kg^2*m^4/s^6');
    expect(q('2 V * 3 ms / 1 s').toString()).toBe('0.006 V');
    expect(q('2 * 0 dBm').toString()).toMatch(/^3\.010\d* dBm$/);
  });

  it('agrees with SI arithmetic for sums of compatible units (property)', () => {
    const freq = fc.constantFrom('Hz', 'kHz', 'MHz', 'GHz');
    const mag = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(mag, freq, mag, freq, (a, ua, b, ub) => {
        const v = q(`${a} ${ua} + ${b} ${ub}`);
        const expected = new Quantity(a, ua).toBase() + new Quantity(b, ub).toBase();
        expect(v.toBase()).toBeCloseTo(expected, 0);
        expect(v.unit.symbol).toBe(ua);
      }),
    );
  });
});

describe('Expression: syntax', () => {
  it('multiplies implicitly: 10 MHz, 2(a+b), 2 pi, a b, but f(x) is a call', () => {
    const p = Parameters.of({ a: 2, b: 3 });
    expect(evaluate('2(a+b)', p)).toBe(10);
    expect(evaluate('2 pi')).toBe(2 * Math.PI);
    expect(evaluate('a b', p)).toBe(6);
    expect(evaluate('(a) 3', p)).toBe(6);
    expect(evaluate('a 3', p)).toBe(6);
    expect(evaluate('2 a', p)).toBe(4);
    expect(evaluate('2 3')).toBe(6);
    expect(evaluate('2 sqrt(4)')).toBe(4);
    expect(new Expression('f(x)'.replace('f', 'sin')).ast.kind).toBe('call');
  });

  it('binds implicit multiplication and unit literals tighter than / ', () => {
    const p = Parameters.of({ a: 12, b: 3, t: new Quantity(2, 'ms') });
    expect(evaluate('a / 2 b', p)).toBe(2);
    expect(evaluate('t / 1 ms', p)).toBeCloseTo(2, 15);
    expect(q('1 / 10 MHz').toBase()).toBeCloseTo(1e-7, 20);
  });

  it('resolves dotted names as flat parameter names (reference quirk 4 fixed)', () => {
    const p = Parameters.of({ 'mot.detuning': new Quantity(-2, 'MHz'), mot: 5 });
    expect(q('mot.detuning * 2', p).toString()).toBe('-4 MHz');
    expect(evaluate('mot + 1', p)).toBe(6);
  });

  it('reports syntax errors with the 1-based column of the offending token', () => {
    const cases: [string, RegExp, number][] = [
      ['1 +', /a value is missing after "\+"/, 3],
      ['(1 + 2', /missing "\)" to close "\(" at column 1/, 7],
      ['1 + 2)', /unmatched "\)"/, 6],
      ['2 $ 3', /unexpected character "\$"/, 3],
      ['', /the expression is empty/, 1],
      ['1 * * 2', /unexpected "\*"/, 5],
      ['(a)(b)', /unexpected "\("/, 4],
      ['sin(1 2', /expected "," or "\)"/, 8],
    ];
    for (const [source, message, column] of cases) {
      const e = thrown(() => new Expression(source));
      expect(e, source).toBeInstanceOf(ExpressionSyntaxError);
      expect(e.message, source).toMatch(message);
      expect((e as ExpressionSyntaxError).location).toEqual({ expression: source, column });
    }
  });

  it('rejects unknown functions and wrong argument counts when parsing', () => {
    const e = thrown(() => new Expression('1 + sinus(2)'));
    expect(e).toBeInstanceOf(UndefinedFunctionError);
    expect(e.message).toBe('undefined function "sinus" (expression "1 + sinus(2)", column 5)');
    expect(() => new Expression('sin(1, 2)')).toThrow(/sin takes 1 argument, got 2/);
  });

  it('names undefined variables with their column', () => {
    const e = thrown(() => evaluate('1 + nope * 2'));
    expect(e).toBeInstanceOf(UndefinedVariableError);
    expect(e.message).toBe('undefined variable "nope" (expression "1 + nope * 2", column 5)');
  });

  it('refuses booleans in arithmetic', () => {
    expect(() => evaluate('Enabled + 1')).toThrow(InvalidTypeError);
  });

  it('fails on results that are not finite numbers', () => {
    expect(() => evaluate('sqrt(-1)')).toThrow(/not a number/);
    expect(() => evaluate('1 / 0')).toThrow(/infinite/);
  });

  it('parses and prints random arithmetic consistently (property)', () => {
    type Tree = number | [Tree, '+' | '-' | '*', Tree];
    const tree = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: 0, max: 50 }),
        fc.tuple(
          tie('node'),
          fc.constantFrom('+' as const, '-' as const, '*' as const),
          tie('node'),
        ),
      ),
    })).node;
    const print = (t: Tree): string =>
      typeof t === 'number' ? String(t) : `(${print(t[0])} ${t[1]} ${print(t[2])})`;
    const value = (t: Tree): number => {
      if (typeof t === 'number') return t;
      const [a, op, b] = t;
      return op === '+'
        ? value(a) + value(b)
        : op === '-'
          ? value(a) - value(b)
          : value(a) * value(b);
    };
    fc.assert(
      fc.property(tree, (t) => {
        const e = new Expression(print(t));
        expect(e.evaluate(none)).toBe(value(t));
        expect(e.resultType(none)).toBe(ParameterType.int);
      }),
    );
  });
});

describe('Expression: variables and compilation', () => {
  it('lists upstream variables without constants and units', () => {
    const e = new Expression('2 pi * f + a.b * MHz + t');
    expect([...e.upstreamVariables].sort()).toEqual(['a.b', 'f', 't']);
    expect(e.isTimeDependent).toBe(true);
    expect(new Expression('f').isTimeDependent).toBe(false);
  });

  it('prefers parameters over constants, and units after a number', () => {
    const p = Parameters.of({ pi: 3, MHz: 2 });
    expect(evaluate('pi', p)).toBe(3);
    expect(q('1 MHz', p).toBase()).toBe(1e6);
    expect(evaluate('MHz', p)).toBe(2);
  });

  it('recompiles when a parameter changes type, and caches per types', () => {
    const e = new Expression('x * 2');
    expect(e.evaluate(Parameters.of({ x: 3 }))).toBe(6);
    expect(e.resultType(Parameters.of({ x: 3 }))).toBe(ParameterType.int);
    expect((e.evaluate(Parameters.of({ x: new Quantity(3, 'V') })) as Quantity).toString()).toBe(
      '6 V',
    );
    expect(e.evaluate(Parameters.empty.with('x', 3, ParameterType.float))).toBe(6);
    expect(e.resultType(Parameters.empty.with('x', 3, ParameterType.float))).toBe(
      ParameterType.float,
    );
    expect(() => e.evaluate(Parameters.of({ x: true }))).toThrow(InvalidTypeError);
  });

  it('evaluates with the values of the parameters given, not of earlier calls', () => {
    const e = new Expression('(10 MHz + 20 kHz)/2 + detuning * 3');
    for (const d of [0, 1, -2.5]) {
      const v = e.evaluate(Parameters.of({ detuning: new Quantity(d, 'MHz') })) as Quantity;
      expect(v.unit.symbol).toBe('MHz');
      expect(v.magnitude).toBeCloseTo(5.01 + 3 * d, 12);
    }
  });

  it('is immutable, compares by source and serialises as its source', () => {
    const e = new Expression('1 + 2');
    expect(e.equals(new Expression('1 + 2'))).toBe(true);
    expect(e.equals(new Expression('1+2'))).toBe(false);
    expect(JSON.stringify({ e })).toBe('{"e":"1 + 2"}');
    expect(Object.isFrozen(e)).toBe(true);
    expect(expressionSchema.parse('2 MHz')).toBeInstanceOf(Expression);
    expect(expressionSchema.safeParse('2 +').success).toBe(false);
  });
});

describe('Expression: time-dependent evaluation', () => {
  it('evaluates for an array of times relative to the block start', () => {
    const e = new Expression('2 V * t / 1 ms + offset');
    const p = Parameters.of({ offset: new Quantity(1, 'V') });
    const out = e.evaluateAt(p, [0, 0.5e-3, 1e-3]);
    expect([...out]).toEqual([1, 2, 3]);
    expect(e.compile(p, { timeDependent: true }).unit.symbol).toBe('V');
  });

  it('evaluates square_wave as a boolean with a duty cycle', () => {
    const e = new Expression('square_wave(t / 1 ms, 0.3)');
    const times = Array.from({ length: 10 }, (_, i) => i * 1e-4);
    expect([...e.evaluateAt(none, times)]).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(e.compile(none, { timeDependent: true }).type).toBe(ParameterType.bool);
    expect([...new Expression('square_wave(t * 1 kHz)').evaluateAt(none, [0, 4e-4, 6e-4])]).toEqual(
      [1, 1, 0],
    );
    const bad = new Expression('square_wave(t / 1 ms, duty)');
    expect(() => bad.evaluateAt(Parameters.of({ duty: 1.5 }), [0])).toThrow(InvalidValueError);
    expect(() => new Expression('square_wave(t / 1 ms, 2)').evaluateAt(none, [0])).toThrow(
      /duty cycle of square_wave must be in \[0, 1\], got 2 .*column 23/,
    );
  });

  it('compiles a node of the tree on its own, for structural lane compilation', () => {
    const e = new Expression('square_wave((t - 0.5 ms) / 1 ms, duty)');
    if (e.ast.kind !== 'call') throw new Error('expected a call');
    const p = Parameters.of({ duty: 0.25 });
    const x = e.compile(p, { timeDependent: true, node: e.ast.args[0] });
    expect(x.constant).toBeUndefined();
    expect(x.valueAt(p, 1.5e-3)).toBeCloseTo(1, 12);
    const duty = e.compile(p, { timeDependent: true, node: e.ast.args[1] });
    expect(duty.valueAt(p, 0)).toBe(0.25);
    const c = new Expression('2 * 3 MHz').compile(none);
    expect(c.constant).toBe(6e6);
    expect(c.toValue(6e6).toString()).toBe('6 MHz');
  });

  it('tells that t exists only in lane expressions', () => {
    expect(() => evaluate('t * 2')).toThrow(/undefined variable "t" \(the time exists only/);
  });
});
