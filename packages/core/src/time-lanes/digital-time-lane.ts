import { z } from 'zod';
import { Expression } from '../expression/expression.js';
import { describe, groupEqual, parseSpans } from './internal/lane-values.js';
import { type SpannedValue, TimeLane } from './time-lane.js';

/** A value of a digital lane: a constant state or an expression (possibly time-dependent). */
export type DigitalValue = boolean | Expression;

/** zod schema of a digital block value's JSON: `true`/`false` or an expression string. */
export const digitalValueJsonSchema = z.union([z.boolean(), z.string()]);

/** A lane of on/off values (TTL outputs): booleans or expressions such as `square_wave(t / 1 ms)`. */
export class DigitalTimeLane extends TimeLane<DigitalValue> {
  readonly type = 'digital' as const;

  /** A lane from `[value, span]` blocks (strings are parsed as expressions). */
  constructor(spans: Iterable<SpannedValue<DigitalValue | string>>) {
    super(parseSpans(spans) as SpannedValue<DigitalValue>[]);
  }

  /** A lane from one value per step (consecutive equal values form one block). */
  static fromValues(values: readonly (DigitalValue | string)[]): DigitalTimeLane {
    return new DigitalTimeLane(groupEqual(values, digitalEquals));
  }

  protected checkValue(value: unknown): string | undefined {
    return typeof value === 'boolean' || value instanceof Expression
      ? undefined
      : `a digital lane holds booleans or expressions, not ${describe(value)}`;
  }

  protected withSpans(spans: readonly SpannedValue<DigitalValue>[]): this {
    return new DigitalTimeLane(spans) as this;
  }

  valueEquals(a: DigitalValue, b: DigitalValue): boolean {
    return digitalEquals(a, b);
  }

  valueToJSON(value: DigitalValue): boolean | string {
    return typeof value === 'boolean' ? value : value.source;
  }
}

function digitalEquals(a: DigitalValue | string, b: DigitalValue | string): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return String(a) === String(b);
}
