import { z } from 'zod';
import { Quantity } from '../units/quantity.js';

/**
 * The type of a parameter: `bool`, `int`, `float`, or `quantity` with its display unit.
 * JSON is the object itself, e.g. `{ "kind": "quantity", "unit": "MHz" }`.
 */
export type ParameterType =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  | { readonly kind: 'quantity'; readonly unit: string };

/** A parameter value: a boolean, a number (int or float, see {@link ParameterType}) or a {@link Quantity}. */
export type ParameterValue = boolean | number | Quantity;

/** zod schema of a {@link ParameterType}. */
export const parameterTypeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bool') }),
  z.object({ kind: z.literal('int') }),
  z.object({ kind: z.literal('float') }),
  z.object({ kind: z.literal('quantity'), unit: z.string() }),
]);

const BOOL: ParameterType = Object.freeze({ kind: 'bool' });
const INT: ParameterType = Object.freeze({ kind: 'int' });
const FLOAT: ParameterType = Object.freeze({ kind: 'float' });
// Interned quantity types, so that types compare by identity on the hot path.
const QUANTITY_TYPES = new Map<string, ParameterType>();

/** Constructors and helpers of {@link ParameterType}. Types are interned: equal types are `===`. */
export const ParameterType = {
  bool: BOOL as ParameterType,
  int: INT as ParameterType,
  float: FLOAT as ParameterType,
  /** The type of quantities in `unit` (its symbol). */
  quantity(unit: string): ParameterType {
    let t = QUANTITY_TYPES.get(unit);
    if (t === undefined) {
      t = Object.freeze({ kind: 'quantity', unit });
      if (QUANTITY_TYPES.size < 10_000) QUANTITY_TYPES.set(unit, t);
    }
    return t;
  },
  /** The interned instance of a type (e.g. one parsed from JSON). */
  intern(type: ParameterType): ParameterType {
    switch (type.kind) {
      case 'bool':
        return BOOL;
      case 'int':
        return INT;
      case 'float':
        return FLOAT;
      case 'quantity':
        return ParameterType.quantity(type.unit);
    }
  },
  /**
   * The type of a value: a boolean is `bool`, a quantity is `quantity` in its unit, an integer-valued
   * number is `int` and any other number `float`. JS numbers do not tell `1` from `1.0`: pass an
   * explicit type where it matters (expressions and the iteration do).
   */
  of(value: ParameterValue): ParameterType {
    if (typeof value === 'boolean') return BOOL;
    if (typeof value === 'number') return Number.isInteger(value) ? INT : FLOAT;
    return ParameterType.quantity(value.unit.symbol);
  },
  /** True if the value can have this type. */
  accepts(type: ParameterType, value: unknown): boolean {
    switch (type.kind) {
      case 'bool':
        return typeof value === 'boolean';
      case 'int':
        return typeof value === 'number' && Number.isInteger(value);
      case 'float':
        return typeof value === 'number';
      case 'quantity':
        return value instanceof Quantity && value.unit.symbol === type.unit;
    }
  },
  /** Structural equality. */
  equals(a: ParameterType, b: ParameterType): boolean {
    return (
      a === b ||
      (a.kind === b.kind && (a.kind !== 'quantity' || a.unit === (b as { unit: string }).unit))
    );
  },
  /** `bool`, `int`, `float`, `quantity [MHz]`. */
  format(type: ParameterType): string {
    return type.kind === 'quantity' ? `quantity [${type.unit}]` : type.kind;
  },
};

/** Formats a value for messages: `true`, `3`, `2 MHz`. */
export function formatParameterValue(value: ParameterValue): string {
  return typeof value === 'object' ? value.toString() : String(value);
}
