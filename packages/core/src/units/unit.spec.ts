import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DimensionalityError, InvalidValueError, UndefinedUnitError } from '../errors/index.js';
import { Dimension } from './dimension.js';
import { UNIT_PREFIXES, UNIT_SYMBOLS } from './internal/unit-definitions.js';
import { Quantity } from './quantity.js';
import { Unit, isUnitSymbol, similarUnitSymbols } from './unit.js';

const REFERENCE_SYMBOLS = [
  's',
  'ms',
  'µs',
  'us',
  'ns',
  'mHz',
  'Hz',
  'kHz',
  'MHz',
  'GHz',
  'THz',
  'W',
  'mW',
  'µW',
  'uW',
  'nW',
  'dBm',
  'dB',
  'percent',
  '%',
  'A',
  'mA',
  'µA',
  'uA',
  'nA',
  'V',
  'mV',
  'µV',
  'uV',
  'nV',
  'm',
  'mm',
  'µm',
  'um',
  'nm',
  'deg',
  '°',
  'rad',
];

describe('Unit', () => {
  it('knows every unit symbol of the reference', () => {
    for (const s of REFERENCE_SYMBOLS) expect(isUnitSymbol(s), s).toBe(true);
  });

  it('parses a prefixed unit with its factor to SI and its base symbol', () => {
    const mhz = Unit.parse('MHz');
    expect(mhz.symbol).toBe('MHz');
    expect(mhz.factor).toBe(1e6);
    expect(mhz.baseSymbol).toBe('1/s');
    expect(Unit.parse('V').baseSymbol).toBe('kg*m^2/s^3/A');
    expect(Unit.parse('us').factor).toBe(1e-6);
    expect(Unit.parse('µs').factor).toBe(1e-6);
    expect(Unit.parse('ns').factor).toBe(1e-9);
  });

  it('parses compound units with /, *, spaces, powers and parentheses', () => {
    const slope = Unit.parse('mV/us');
    expect(slope.symbol).toBe('mV/us');
    expect(slope.factor).toBeCloseTo(1e3, 9);
    expect(Unit.parse('kg m^2 / s^3 / A').dimension.equals(Unit.parse('V').dimension)).toBe(true);
    expect(Unit.parse('kg*m**2/(s^3*A)').symbol).toBe('kg*m^2/s^3/A');
    expect(Unit.parse('1/s').dimension.equals(Unit.parse('Hz').dimension)).toBe(true);
    expect(Unit.parse('').isDimensionless).toBe(true);
  });

  it('round-trips every base symbol through parse', () => {
    for (const s of ['V', 'W', 'Hz', 'ohm', 'T', 'F', 'H', 'J', 'N', 'Pa', 'C', 'G']) {
      const u = Unit.parse(s);
      expect(Unit.parse(u.baseSymbol).dimension.equals(u.dimension), s).toBe(true);
      expect(Unit.parse(u.baseSymbol).factor).toBeCloseTo(1, 12);
    }
  });

  it('rejects unknown symbols naming them, and malformed text', () => {
    expect(() => Unit.parse('foo')).toThrow(UndefinedUnitError);
    expect(() => Unit.parse('MHz/foo')).toThrow(/undefined unit "foo" in "MHz\/foo"/);
    expect(() => Unit.parse('MHz/')).toThrow(InvalidValueError);
    expect(() => Unit.parse('(MHz')).toThrow(/missing "\)"/);
    expect(() => Unit.parse('dB*Hz')).toThrow(/logarithmic unit "dB" cannot be combined/);
  });

  it('converts log units to linear values: 0 dB is 1, 10 dB is 10, 0 dBm is 1 mW', () => {
    expect(new Quantity(0, 'dB').toBase()).toBe(1);
    expect(new Quantity(10, 'dB').toBase()).toBe(10);
    expect(new Quantity(0, 'dBm').toBase()).toBe(1e-3);
    expect(new Quantity(0, 'dBm').dimension.equals(Unit.parse('W').dimension)).toBe(true);
    expect(new Quantity(1, '').to('dB').magnitude).toBe(0);
    expect(new Quantity(0, '').to('dB').magnitude).toBe(-Infinity);
  });

  it('treats angles as dimensionless with degrees converted', () => {
    expect(new Quantity(180, 'deg').toBase()).toBeCloseTo(Math.PI, 15);
    expect(new Quantity(90, '°').to('rad').magnitude).toBeCloseTo(Math.PI / 2, 15);
    expect(Unit.parse('deg').isAngle).toBe(true);
    expect(Unit.parse('deg').isDimensionless).toBe(true);
  });

  it('refuses conversions between dimensions', () => {
    expect(() => new Quantity(1, 'MHz').to('')).toThrow(DimensionalityError);
    expect(() => new Quantity(1, 'MHz').to('V')).toThrow(/frequency \[1\/s\].*voltage/);
  });

  it('gives every symbol and prefixed symbol a consistent definition', () => {
    for (const s of UNIT_SYMBOLS) expect(() => Unit.parse(s), s).not.toThrow();
    expect(UNIT_PREFIXES).toContain('µ');
  });
});

// Units that can be multiplied (logarithmic units cannot).
const linearSymbols = REFERENCE_SYMBOLS.filter((s) => s !== 'dB' && s !== 'dBm');
const arbUnit = fc
  .array(fc.tuple(fc.constantFrom(...linearSymbols), fc.integer({ min: -3, max: 3 })), {
    minLength: 0,
    maxLength: 4,
  })
  .map((terms) => Unit.fromTerms(terms.map(([symbol, exponent]) => ({ symbol, exponent }))));

describe('Unit algebra (properties)', () => {
  it('products and powers of units are units whose symbol parses back to an equal unit', () => {
    fc.assert(
      fc.property(arbUnit, arbUnit, fc.integer({ min: -3, max: 3 }), (a, b, n) => {
        for (const u of [a.times(b), a.divide(b), a.pow(n)]) {
          const back = Unit.parse(u.symbol);
          expect(back.equals(u)).toBe(true);
          expect(back.factor).toBeCloseTo(u.factor, 6);
        }
      }),
    );
  });

  it('dimensions multiply, and distinct bases keep their factors', () => {
    fc.assert(
      fc.property(arbUnit, arbUnit, (a, b) => {
        const p = a.times(b);
        expect(p.dimension.equals(a.dimension.times(b.dimension))).toBe(true);
        if (p.terms.length === a.terms.length + b.terms.length) {
          expect(p.factor / (a.factor * b.factor)).toBeCloseTo(1, 9);
        }
        expect(a.divide(b).times(b).dimension.equals(a.dimension)).toBe(true);
        expect(a.divide(a).isDimensionless).toBe(true);
      }),
    );
  });

  it('conversion is invertible: q.to(u).to(q.unit) equals q', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom('MHz', 'kHz', 'Hz', 'GHz', 'mHz'),
        fc.constantFrom('MHz', 'kHz', 'Hz', 'GHz', 'mHz'),
        (m, u1, u2) => {
          const q = new Quantity(m, u1);
          const back = q.to(u2).to(u1);
          expect(back.magnitude).toBeCloseTo(m, 6);
          expect(q.to(u2).toBase()).toBeCloseTo(q.toBase(), 0);
        },
      ),
    );
  });

  it('dB round-trips through linear values', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (db) => {
        const q = new Quantity(db, 'dBm');
        expect(Quantity.fromBase(q.toBase(), 'dBm').magnitude).toBeCloseTo(db, 9);
      }),
    );
  });

  it('suggests the units a misspelled symbol is closest to', () => {
    expect(similarUnitSymbols('Mhz')).toEqual(['MHz', 'mHz']);
    expect(similarUnitSymbols('dbm')).toEqual(['dBm']);
    expect(similarUnitSymbols('ohms')).toEqual(['ohm']);
    // Units, short names and dotted names are not guessed at.
    for (const name of ['MHz', 'a', 'dx', 'foo', 'mot.mhz']) {
      expect(similarUnitSymbols(name), name).toEqual([]);
    }
    expect(() => Unit.parse('Mhz/V')).toThrow(
      'undefined unit "Mhz" in "Mhz/V"; did you mean "MHz" or "mHz"?',
    );
  });

  it('log levels read back as written: -3 dBm, 10 dB, 0.1 dBm survive SI and back exactly', () => {
    for (const [m, u] of [
      [-3, 'dBm'],
      [10, 'dB'],
      [0.1, 'dBm'],
      [-0.3, 'dB'],
      [0.001, 'dB'],
      [123.456, 'dBm'],
    ] as const) {
      expect(Quantity.fromBase(new Quantity(m, u).toBase(), u).magnitude).toBe(m);
    }
    // Decimals of up to 6 digits between -300 and 300 dB.
    const level = fc
      .tuple(fc.integer({ min: -3e8, max: 3e8 }), fc.integer({ min: 0, max: 6 }))
      .map(([k, digits]) => Number((k / 1e6).toFixed(digits)) + 0); // no -0
    fc.assert(
      fc.property(level, fc.constantFrom('dB', 'dBm'), (m, u) => {
        const unit = Unit.parse(u);
        expect(unit.fromBase(unit.toBase(m))).toBe(m);
        expect(Quantity.fromBase(new Quantity(m, u).toBase(), u).magnitude).toBe(m);
      }),
      { numRuns: 2000 },
    );
    expect(new Quantity(1, 'mW').to('dBm').magnitude).toBe(0);
    expect(new Quantity(1, 'W').to('dBm').magnitude).toBe(30);
  });

  it('dimension exponents form a group', () => {
    const arbDim = fc
      .array(fc.integer({ min: -4, max: 4 }), { minLength: 7, maxLength: 7 })
      .map((e) => new Dimension(e));
    fc.assert(
      fc.property(arbDim, arbDim, (a, b) => {
        expect(a.times(b).divide(b).equals(a)).toBe(true);
        expect(a.times(b).equals(b.times(a))).toBe(true);
        expect(a.pow(2).equals(a.times(a))).toBe(true);
      }),
    );
  });
});

describe('Quantity', () => {
  it('keeps its display unit and computes in SI', () => {
    const q = new Quantity(2, 'MHz');
    expect(q.toString()).toBe('2 MHz');
    expect(q.toBase()).toBe(2e6);
    expect(q.toJSON()).toEqual({ magnitude: 2, unit: 'MHz' });
    expect(new Quantity(50, '%').toString()).toBe('50%');
  });

  it('parses text and round-trips JSON', () => {
    expect(Quantity.parse('-3 dBm').equals(new Quantity(-3, 'dBm'))).toBe(true);
    expect(Quantity.parse('1e-3 V/us').unit.symbol).toBe('V/us');
    expect(Quantity.fromJSON({ magnitude: 2, unit: 'MHz' }).equals(new Quantity(2, 'MHz'))).toBe(
      true,
    );
    expect(() => Quantity.fromJSON({ magnitude: '2' })).toThrow(InvalidValueError);
    expect(() => Quantity.parse('MHz')).toThrow(/not a quantity/);
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(...REFERENCE_SYMBOLS),
        (m, u) => {
          const q = new Quantity(m, u);
          const back = Quantity.fromJSON(JSON.parse(JSON.stringify(q)));
          expect(back.unit.symbol).toBe(q.unit.symbol);
          expect(Object.is(back.magnitude, m) || (m === 0 && back.magnitude === 0)).toBe(true);
        },
      ),
    );
  });
});
