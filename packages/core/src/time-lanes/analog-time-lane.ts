import { z } from 'zod';
import { Expression } from '../expression/expression.js';
import { describe, groupEqual, parseSpans } from './internal/lane-values.js';
import { type SpannedValue, TimeLane } from './time-lane.js';

/**
 * The ramp marker of an analog lane: the block goes linearly from the value at the end of the
 * previous block to the value at the start of the next one. All ramps are equal.
 * (Named `AnalogRamp` so as not to clash with the `Ramp` instruction of core.)
 */
export class AnalogRamp {
  /** All ramps are equal. */
  equals(other: unknown): boolean {
    return other instanceof AnalogRamp;
  }

  /** `"ramp"`. */
  toJSON(): 'ramp' {
    return 'ramp';
  }
}

/** A value of an analog lane: an expression (possibly time-dependent) or a ramp. */
export type AnalogValue = Expression | AnalogRamp;

/** zod schema of an analog block value's JSON: `{ "expression": "..." }` or `"ramp"`. */
export const analogValueJsonSchema = z.union([
  z.object({ expression: z.string() }),
  z.literal('ramp'),
]);

function analogKey(value: AnalogValue | string): string {
  if (typeof value === 'string') return `expression:${value}`;
  return value instanceof AnalogRamp ? 'ramp' : `expression:${value.source}`;
}

/** A lane of analog values: expressions such as `2 V` or `sin(2 pi t * 1 kHz) V`, and ramps. */
export class AnalogTimeLane extends TimeLane<AnalogValue> {
  readonly type = 'analog' as const;

  /** A lane from `[value, span]` blocks (strings are parsed as expressions). */
  constructor(spans: Iterable<SpannedValue<AnalogValue | string>>) {
    super(parseSpans(spans) as SpannedValue<AnalogValue>[]);
  }

  /** A lane from one value per step (consecutive equal values form one block). */
  static fromValues(values: readonly (AnalogValue | string)[]): AnalogTimeLane {
    return new AnalogTimeLane(groupEqual(values, (a, b) => analogKey(a) === analogKey(b)));
  }

  protected checkValue(value: unknown): string | undefined {
    return value instanceof Expression || value instanceof AnalogRamp
      ? undefined
      : `an analog lane holds expressions or ramps, not ${describe(value)}`;
  }

  protected withSpans(spans: readonly SpannedValue<AnalogValue>[]): this {
    return new AnalogTimeLane(spans) as this;
  }

  valueEquals(a: AnalogValue, b: AnalogValue): boolean {
    if (a instanceof AnalogRamp || b instanceof AnalogRamp)
      return a instanceof AnalogRamp && b instanceof AnalogRamp;
    return a.equals(b);
  }

  valueToJSON(value: AnalogValue): { expression: string } | 'ramp' {
    return value instanceof AnalogRamp ? 'ramp' : { expression: value.source };
  }
}
