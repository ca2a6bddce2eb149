import { InvalidValueError, UndefinedUnitError } from '../errors/index.js';
import { BASE_DIMENSIONS, Dimension } from './dimension.js';
import { type AtomDefinition, lookupUnitSymbol } from './internal/unit-definitions.js';
import { unitSuggestion } from './internal/unit-suggestions.js';

/** One factor of a unit: a (possibly prefixed) symbol raised to a power, e.g. `MHz^2`. */
export interface UnitTerm {
  readonly symbol: string;
  readonly exponent: number;
}

function formatExponent(e: number): string {
  return e === 1 ? '' : `^${String(e)}`;
}

function formatTerms(terms: readonly UnitTerm[]): string {
  const num = terms.filter((t) => t.exponent > 0).map((t) => t.symbol + formatExponent(t.exponent));
  const den = terms
    .filter((t) => t.exponent < 0)
    .map((t) => t.symbol + formatExponent(-t.exponent));
  if (num.length === 0 && den.length === 0) return '';
  return (num.length === 0 ? '1' : num.join('*')) + den.map((x) => `/${x}`).join('');
}

function mergeTerms(a: readonly UnitTerm[], b: readonly UnitTerm[], sign: number): UnitTerm[] {
  const out = a.map((t) => ({ ...t }));
  for (const t of b) {
    const same = out.find((o) => o.symbol === t.symbol);
    if (same) same.exponent += sign * t.exponent;
    else out.push({ symbol: t.symbol, exponent: sign * t.exponent });
  }
  return out.filter((t) => Math.abs(t.exponent) > 1e-12);
}

/**
 * Product of units for display: terms with the same base symbol merge into the first one's
 * (`V*s` divided by `ms` is `V`, the factor 1000 going to the magnitude).
 */
function combineTerms(a: readonly UnitTerm[], b: readonly UnitTerm[], sign: number): UnitTerm[] {
  const out = a.map((t) => ({ ...t }));
  for (const t of b) {
    const base = lookupUnitSymbol(t.symbol)?.base;
    const same = out.find((o) => lookupUnitSymbol(o.symbol)?.base === base);
    if (same) same.exponent += sign * t.exponent;
    else out.push({ symbol: t.symbol, exponent: sign * t.exponent });
  }
  return out.filter((t) => Math.abs(t.exponent) > 1e-12);
}

/** True if `symbol` is a unit symbol usable in expressions (`MHz`, `µs`, `dBm`, `%`, `°`...). */
export function isUnitSymbol(symbol: string): boolean {
  return lookupUnitSymbol(symbol) !== undefined;
}

export { similarUnitSymbols } from './internal/unit-suggestions.js';

const CACHE = new Map<string, Unit>();

/**
 * A unit of measurement: a product of powers of unit symbols such as `MHz`, `mV/us` or `kg*m^2/s^3/A`.
 * Immutable. It knows its {@link Dimension} and how to convert a magnitude to SI base units.
 *
 * Logarithmic units (`dB`, `dBm`) convert to linear values: `0 dB` is 1, `10 dB` is 10, `0 dBm` is
 * 1 mW. They cannot be multiplied with other units. Angle units (`rad`, `deg`, `°`) are
 * dimensionless (`1 rad` is 1), but a quantity in degrees keeps its display unit.
 */
export class Unit {
  /** The unit of pure numbers (empty symbol). */
  static readonly dimensionless: Unit = new Unit([]);

  /** Canonical text, e.g. `MHz`, `mV/us`, `1/s`, `''` for dimensionless. Parses back to this unit. */
  readonly symbol: string;
  readonly terms: readonly UnitTerm[];
  readonly dimension: Dimension;
  /** Value of one unit in SI base units (for a logarithmic unit: its reference level). */
  readonly factor: number;
  /** `dB` or `dBm`. */
  readonly isLogarithmic: boolean;
  /** Made only of angle units (`rad`, `deg`, `°`). */
  readonly isAngle: boolean;
  private base: Unit | undefined;

  private constructor(terms: readonly UnitTerm[]) {
    const defs: AtomDefinition[] = terms.map((t) => {
      const def = lookupUnitSymbol(t.symbol);
      if (def === undefined) throw new UndefinedUnitError(`undefined unit "${t.symbol}"`);
      return def;
    });
    const logIndex = defs.findIndex((def) => def.logarithmic);
    if (logIndex >= 0 && (terms.length > 1 || terms[0]!.exponent !== 1)) {
      throw new InvalidValueError(
        `the logarithmic unit "${terms[logIndex]!.symbol}" cannot be combined with other units or powers`,
      );
    }
    this.terms = Object.freeze(terms.map((t) => Object.freeze({ ...t })));
    this.symbol = formatTerms(terms);
    let dimension = Dimension.dimensionless;
    let factor = 1;
    defs.forEach((def, i) => {
      const e = terms[i]!.exponent;
      dimension = dimension.times(def.dimension.pow(e));
      factor *= e === 1 ? def.factor : def.factor ** e;
    });
    this.dimension = dimension;
    this.factor = factor;
    this.isLogarithmic = logIndex >= 0;
    this.isAngle = defs.length > 0 && defs.every((def) => def.angle);
  }

  /**
   * Parses a unit text: symbols joined by `*`, `/`, `·` or spaces, with powers `^n` or `**n`,
   * parentheses, and a leading `1` (`1/s`). The empty string is the dimensionless unit.
   * Throws {@link UndefinedUnitError} naming an unknown symbol, {@link InvalidValueError} on bad syntax.
   */
  static parse(text: string): Unit {
    const cached = CACHE.get(text);
    if (cached !== undefined) return cached;
    const unit = new Unit(parseUnitText(text));
    if (CACHE.size < 10_000) CACHE.set(text, unit);
    return unit;
  }

  /** A unit from its terms (equal symbols are merged, zero powers dropped). */
  static fromTerms(terms: readonly UnitTerm[]): Unit {
    return Unit.parse(formatTerms(mergeTerms([], terms, 1)));
  }

  /** The SI base unit of a dimension, e.g. `1/s` for frequencies. */
  static base(dimension: Dimension): Unit {
    const terms: UnitTerm[] = [];
    dimension.exponents.forEach((e, i) => {
      if (e !== 0) terms.push({ symbol: BASE_DIMENSIONS[i]!, exponent: e });
    });
    return new Unit(terms);
  }

  /** The SI base unit text of this unit's dimension, e.g. `1/s` for `MHz`. */
  get baseSymbol(): string {
    return this.dimension.baseSymbol;
  }

  /** The SI base unit of this unit's dimension (computed once per unit: it is on hot paths). */
  get baseUnit(): Unit {
    return (this.base ??= Unit.base(this.dimension));
  }

  /** True if quantities in this unit are pure numbers (including `%`, `dB` and angles). */
  get isDimensionless(): boolean {
    return this.dimension.isDimensionless;
  }

  /** The SI value of `magnitude` in this unit. */
  toBase(magnitude: number): number {
    return this.isLogarithmic ? this.factor * 10 ** (magnitude / 10) : magnitude * this.factor;
  }

  /**
   * The magnitude in this unit of an SI value (inverse of {@link Unit.toBase}). For a log unit the
   * logarithm is rounded to 15 significant digits and to 1e-12 (whichever is coarser), a grid
   * above its float error: a value that went to SI and back reads as written (`-3 dBm`, not
   * `-3.0000000000000004 dBm`), and no level finer than 1e-12 dB is kept.
   */
  fromBase(value: number): number {
    return this.isLogarithmic
      ? roundLogMagnitude(10 * Math.log10(value / this.factor))
      : value / this.factor;
  }

  /**
   * Product of units (`MHz` times `us` is `MHz*us`). Terms of the same base merge into the left
   * one's symbol (`V*s` times `1/ms` is `V`): the result is a display unit with its own factor.
   */
  times(other: Unit): Unit {
    return Unit.fromTerms(combineTerms(this.terms, other.terms, 1));
  }

  /** Quotient of units (`mV` divided by `us` is `mV/us`; `s` divided by `ms` is dimensionless). */
  divide(other: Unit): Unit {
    return Unit.fromTerms(combineTerms(this.terms, other.terms, -1));
  }

  /** Power of a unit (`m` to the 2 is `m^2`). */
  pow(exponent: number): Unit {
    return Unit.fromTerms(
      this.terms.map((t) => ({ symbol: t.symbol, exponent: t.exponent * exponent })),
    );
  }

  /** Same symbol (hence same meaning). `us` and `µs` are compatible but not equal. */
  equals(other: Unit): boolean {
    return this.symbol === other.symbol;
  }

  /** Same dimension: a quantity in one converts to the other. */
  isCompatibleWith(other: Unit): boolean {
    return this.dimension.equals(other.dimension);
  }

  /** The symbol. */
  toString(): string {
    return this.symbol;
  }

  /** JSON is the symbol. */
  toJSON(): string {
    return this.symbol;
  }
}

type UnitToken = { kind: 'symbol' | 'number' | 'op'; text: string; index: number };

const OPERATOR_CHARS = new Set(['*', '/', '^', '(', ')', '·', '⋅']);

function tokenizeUnit(text: string): UnitToken[] {
  const tokens: UnitToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '*' && text[i + 1] === '*') {
      tokens.push({ kind: 'op', text: '^', index: i });
      i += 2;
    } else if (OPERATOR_CHARS.has(c)) {
      tokens.push({ kind: 'op', text: c === '·' || c === '⋅' ? '*' : c, index: i });
      i++;
    } else if (/[-+\d.]/.test(c)) {
      const m = /^[-+]?(\d+(\.\d*)?|\.\d+)/.exec(text.slice(i));
      if (!m)
        throw new InvalidValueError(`invalid unit "${text}": unexpected "${c}" at column ${i + 1}`);
      tokens.push({ kind: 'number', text: m[0], index: i });
      i += m[0].length;
    } else {
      let j = i;
      while (
        j < text.length &&
        !OPERATOR_CHARS.has(text[j]!) &&
        text[j] !== ' ' &&
        text[j] !== '\t'
      )
        j++;
      tokens.push({ kind: 'symbol', text: text.slice(i, j), index: i });
      i = j;
    }
  }
  return tokens;
}

function parseUnitText(text: string): UnitTerm[] {
  const tokens = tokenizeUnit(text);
  let pos = 0;
  const fail = (what: string): never => {
    throw new InvalidValueError(`invalid unit "${text}": ${what}`);
  };
  const peek = (): UnitToken | undefined => tokens[pos];

  const primary = (): UnitTerm[] => {
    const token = tokens[pos];
    if (token === undefined) return fail('a unit symbol is missing at the end');
    pos++;
    if (token.kind === 'symbol') {
      if (lookupUnitSymbol(token.text) === undefined) {
        throw new UndefinedUnitError(
          `undefined unit "${token.text}" in "${text}"${unitSuggestion(token.text)}`,
        );
      }
      return [{ symbol: token.text, exponent: 1 }];
    }
    if (token.kind === 'number' && token.text === '1') return [];
    if (token.text === '(') {
      const inner = product();
      if (peek()?.text !== ')') fail(`missing ")" for "(" at column ${token.index + 1}`);
      pos++;
      return inner;
    }
    return fail(`unexpected "${token.text}" at column ${token.index + 1}`);
  };

  const factor = (): UnitTerm[] => {
    const base = primary();
    if (peek()?.text === '^') {
      pos++;
      const e = tokens[pos];
      if (e?.kind !== 'number') return fail('a power must be a number');
      pos++;
      const exponent = Number(e.text);
      return base.map((t) => ({ symbol: t.symbol, exponent: t.exponent * exponent }));
    }
    return base;
  };

  const product = (): UnitTerm[] => {
    let terms = factor();
    for (;;) {
      const t = peek();
      if (t === undefined || t.text === ')') return terms;
      if (t.text === '*') {
        pos++;
        terms = mergeTerms(terms, factor(), 1);
      } else if (t.text === '/') {
        pos++;
        terms = mergeTerms(terms, factor(), -1);
      } else if (t.kind === 'symbol' || t.text === '(') {
        terms = mergeTerms(terms, factor(), 1);
      } else {
        return fail(`unexpected "${t.text}" at column ${t.index + 1}`);
      }
    }
  };

  if (tokens.length === 0) return [];
  const terms = product();
  if (pos < tokens.length)
    fail(`unexpected "${tokens[pos]!.text}" at column ${tokens[pos]!.index + 1}`);
  return terms;
}

/** Decimals kept by the log conversion at most (a 1e-12 dB grid). */
const LOG_DECIMALS = 12;

/** A dB level rounded to 15 significant digits and to `LOG_DECIMALS` decimals (see `fromBase`). */
function roundLogMagnitude(level: number): number {
  if (level === 0 || !Number.isFinite(level)) return level;
  const decimals = Math.min(LOG_DECIMALS, 14 - Math.floor(Math.log10(Math.abs(level))));
  return decimals >= 0 ? Number(level.toFixed(decimals)) : Number(level.toPrecision(15));
}
