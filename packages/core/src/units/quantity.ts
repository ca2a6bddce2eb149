import { z } from 'zod';
import { DimensionalityError, InvalidValueError } from '../errors/index.js';
import type { Dimension } from './dimension.js';
import { Unit } from './unit.js';

/** zod schema of a stored quantity: `{ "magnitude": 2, "unit": "MHz" }`. */
export const quantityJsonSchema = z.object({ magnitude: z.number(), unit: z.string() });

/** JSON form of a {@link Quantity}. */
export type QuantityJson = z.infer<typeof quantityJsonSchema>;

function formatNumber(x: number): string {
  return String(Number(x.toPrecision(15)));
}

/**
 * A number with a unit, e.g. `2 MHz`. Immutable. It keeps the unit it was given (its display unit):
 * `2 MHz` is shown and stored as `2 MHz`, and computes as `2e6` in SI base units ({@link Quantity.toBase}).
 */
export class Quantity {
  /** The number, in {@link Quantity.unit}. */
  readonly magnitude: number;
  /** The display unit. */
  readonly unit: Unit;
  private readonly base: number;

  constructor(magnitude: number, unit: Unit | string) {
    this.magnitude = magnitude;
    this.unit = typeof unit === 'string' ? Unit.parse(unit) : unit;
    this.base = this.unit.toBase(magnitude);
  }

  /** The quantity in `unit` whose SI value is `value`. */
  static fromBase(value: number, unit: Unit | string): Quantity {
    const u = typeof unit === 'string' ? Unit.parse(unit) : unit;
    return new Quantity(u.fromBase(value), u);
  }

  /** Parses `2 MHz`, `-3 dBm`, `50 %`, `1e-3 V/us`: a number then a unit text. */
  static parse(text: string): Quantity {
    const m = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$/.exec(text);
    if (!m) throw new InvalidValueError(`"${text}" is not a quantity such as "2 MHz"`);
    return new Quantity(Number(m[1]), Unit.parse(m[2]!));
  }

  /** Restores a quantity from its JSON form (validated). */
  static fromJSON(json: unknown): Quantity {
    const parsed = quantityJsonSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidValueError(`not a quantity ({ magnitude, unit }): ${JSON.stringify(json)}`);
    }
    return new Quantity(parsed.data.magnitude, parsed.data.unit);
  }

  /** The dimension of the unit. */
  get dimension(): Dimension {
    return this.unit.dimension;
  }

  /** The value in SI base units (`2 MHz` gives `2e6`; `0 dBm` gives `1e-3`). */
  toBase(): number {
    return this.base;
  }

  /** The same quantity in another unit; {@link DimensionalityError} if the dimensions differ. */
  to(unit: Unit | string): Quantity {
    const u = typeof unit === 'string' ? Unit.parse(unit) : unit;
    if (!u.dimension.equals(this.unit.dimension)) {
      throw new DimensionalityError(
        `cannot convert ${this.toString()} (${this.unit.dimension.describe()}) to "${u.symbol}" (${u.dimension.describe()})`,
      );
    }
    return u.equals(this.unit) ? this : Quantity.fromBase(this.base, u);
  }

  /** Same magnitude and same unit symbol. */
  equals(other: Quantity): boolean {
    return this.magnitude === other.magnitude && this.unit.equals(other.unit);
  }

  /** `2 MHz`; a dimensionless quantity with no unit prints as its number. */
  toString(): string {
    const m = formatNumber(this.magnitude);
    if (this.unit.symbol === '') return m;
    return this.unit.symbol === '%' || this.unit.symbol === '°'
      ? `${m}${this.unit.symbol}`
      : `${m} ${this.unit.symbol}`;
  }

  /** `{ "magnitude": 2, "unit": "MHz" }`. */
  toJSON(): QuantityJson {
    return { magnitude: this.magnitude, unit: this.unit.symbol };
  }
}

/** zod schema: the JSON of a quantity in, a {@link Quantity} out. */
export const quantitySchema = quantityJsonSchema.transform((json, ctx) => {
  try {
    return new Quantity(json.magnitude, json.unit);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});
