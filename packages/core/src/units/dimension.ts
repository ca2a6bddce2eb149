/**
 * The SI base dimensions, in the order used to print base units (`kg*m^2/s^3/A`).
 * Angles are dimensionless (a radian is 1), as in SI.
 */
export const BASE_DIMENSIONS = ['kg', 'm', 's', 'A', 'K', 'mol', 'cd'] as const;

/** One of the SI base units, which name the base dimensions. */
export type BaseDimension = (typeof BASE_DIMENSIONS)[number];

const NAMES: ReadonlyMap<string, string> = new Map([
  ['0,0,0,0,0,0,0', 'dimensionless'],
  ['0,0,1,0,0,0,0', 'time'],
  ['0,0,-1,0,0,0,0', 'frequency'],
  ['0,1,0,0,0,0,0', 'length'],
  ['1,0,0,0,0,0,0', 'mass'],
  ['0,0,0,1,0,0,0', 'current'],
  ['0,0,0,0,1,0,0', 'temperature'],
  ['1,2,-3,-1,0,0,0', 'voltage'],
  ['1,2,-3,0,0,0,0', 'power'],
  ['1,2,-2,0,0,0,0', 'energy'],
  ['1,1,-2,0,0,0,0', 'force'],
  ['0,0,1,1,0,0,0', 'charge'],
  ['1,2,-3,-2,0,0,0', 'resistance'],
  ['1,0,-2,-1,0,0,0', 'magnetic field'],
  ['0,1,-1,0,0,0,0', 'velocity'],
]);

function formatExponent(e: number): string {
  return e === 1 ? '' : `^${String(e)}`;
}

/**
 * A physical dimension: the exponents of the SI base dimensions. Immutable; compare with
 * {@link Dimension.equals}. Exponents may be fractional (`sqrt(Hz)`).
 */
export class Dimension {
  /** The dimension of pure numbers, ratios and angles. */
  static readonly dimensionless: Dimension = new Dimension([0, 0, 0, 0, 0, 0, 0]);

  /** Exponents, in the order of {@link BASE_DIMENSIONS}. */
  readonly exponents: readonly number[];
  /** A canonical text form, equal for equal dimensions. */
  readonly key: string;

  constructor(exponents: readonly number[]) {
    if (exponents.length !== BASE_DIMENSIONS.length) {
      throw new RangeError(`a dimension has ${BASE_DIMENSIONS.length} exponents`);
    }
    // Normalise -0 and rounding noise of fractional powers (1/3 * 3).
    this.exponents = Object.freeze(
      exponents.map((e) => {
        const r = Math.round(e * 1e9) / 1e9;
        return r === 0 ? 0 : r;
      }),
    );
    this.key = this.exponents.join(',');
  }

  /** The dimension of one base unit, e.g. `Dimension.of('s')`. */
  static of(base: BaseDimension, exponent = 1): Dimension {
    const exponents = [0, 0, 0, 0, 0, 0, 0];
    exponents[BASE_DIMENSIONS.indexOf(base)] = exponent;
    return new Dimension(exponents);
  }

  /** True for the dimension of pure numbers. */
  get isDimensionless(): boolean {
    return this.exponents.every((e) => e === 0);
  }

  /** A common name (`frequency`, `voltage`...) or undefined. */
  get name(): string | undefined {
    return NAMES.get(this.key);
  }

  /** Product of dimensions. */
  times(other: Dimension): Dimension {
    return new Dimension(this.exponents.map((e, i) => e + other.exponents[i]!));
  }

  /** Quotient of dimensions. */
  divide(other: Dimension): Dimension {
    return new Dimension(this.exponents.map((e, i) => e - other.exponents[i]!));
  }

  /** Power of a dimension. */
  pow(exponent: number): Dimension {
    return new Dimension(this.exponents.map((e) => e * exponent));
  }

  /** Equality of all exponents. */
  equals(other: Dimension): boolean {
    return this.key === other.key;
  }

  /**
   * The SI base unit of this dimension, e.g. `1/s`, `kg*m^2/s^3/A`; the empty string when
   * dimensionless. It parses back with `Unit.parse`.
   */
  get baseSymbol(): string {
    const num: string[] = [];
    const den: string[] = [];
    this.exponents.forEach((e, i) => {
      if (e > 0) num.push(BASE_DIMENSIONS[i]! + formatExponent(e));
      if (e < 0) den.push(BASE_DIMENSIONS[i]! + formatExponent(-e));
    });
    if (num.length === 0 && den.length === 0) return '';
    return (num.length === 0 ? '1' : num.join('*')) + den.map((d) => `/${d}`).join('');
  }

  /** Describes the dimension for messages: `frequency [1/s]`, `dimensionless`. */
  describe(): string {
    if (this.isDimensionless) return 'dimensionless';
    const name = this.name;
    return name === undefined ? `[${this.baseSymbol}]` : `${name} [${this.baseSymbol}]`;
  }

  /** The base symbol. */
  toString(): string {
    return this.baseSymbol;
  }
}
