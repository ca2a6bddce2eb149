import { z } from 'zod';
import { InvalidTypeError, InvalidValueError } from '../errors/index.js';
import { Quantity, quantityJsonSchema } from '../units/quantity.js';
import { DottedName } from './dotted-name.js';
import { ParameterIndex } from './internal/parameter-index.js';
import {
  ParameterType,
  type ParameterValue,
  formatParameterValue,
  parameterTypeSchema,
} from './parameter-type.js';

/** zod schema of the stored form of {@link Parameters}: `{ "mot.detuning": { magnitude, unit }, "n": 3 }`. */
export const parametersJsonSchema = z.record(
  z.string(),
  z.union([z.boolean(), z.number(), quantityJsonSchema]),
);

/** Stored form of {@link Parameters}. */
export type ParametersJson = z.infer<typeof parametersJsonSchema>;

/** zod schema of the lossless form of {@link Parameters}: every value with its type, in order. */
export const typedParametersJsonSchema = z.array(
  z.object({
    name: z.string(),
    type: parameterTypeSchema,
    value: z.union([z.boolean(), z.number(), quantityJsonSchema]),
  }),
);

/** Lossless form of {@link Parameters} (keeps `int` vs `float`). */
export type TypedParametersJson = z.infer<typeof typedParametersJsonSchema>;

function checkValue(name: string, value: ParameterValue, type: ParameterType): void {
  if (!ParameterType.accepts(type, value)) {
    throw new InvalidTypeError(
      `${formatParameterValue(value)} is not a value of type ${ParameterType.format(type)}`,
      { location: { parameter: name } },
    );
  }
}

/**
 * An immutable set of parameter values by dotted name (`mot.detuning`), each with its
 * {@link ParameterType}. Insertion order is kept; setting an existing name keeps its position.
 *
 * Built for the per-shot hot path: parameter sets share their name index, and {@link Parameters.with}
 * copies one flat array, so deriving the parameters of the next shot is cheap.
 */
export class Parameters {
  /** No parameters. */
  static readonly empty: Parameters = new Parameters(ParameterIndex.empty, [], []);

  private constructor(
    private readonly index: ParameterIndex,
    private readonly values: readonly ParameterValue[],
    private readonly types: readonly ParameterType[],
  ) {}

  /**
   * Parameters from a record of values; types are inferred by {@link ParameterType.of} (an
   * integer-valued number is an `int`). Names are validated.
   */
  static of(record: Readonly<Record<string, ParameterValue>>): Parameters {
    let p = Parameters.empty;
    for (const [name, value] of Object.entries(record)) p = p.with(name, value);
    return p;
  }

  /** Parameters from `[name, value, type?]` entries (the last of duplicate names wins). */
  static fromEntries(
    entries: Iterable<
      readonly [string, ParameterValue] | readonly [string, ParameterValue, ParameterType]
    >,
  ): Parameters {
    let p = Parameters.empty;
    for (const e of entries) p = p.with(e[0], e[1], e[2]);
    return p;
  }

  /**
   * Restores parameters from their stored form. Numbers take their type from `types` when given
   * (e.g. a {@link ParameterSchema}), otherwise an integer-valued number is an `int`.
   * Throws naming the parameter on a bad name or value.
   */
  static fromJSON(json: unknown, types?: (name: string) => ParameterType | undefined): Parameters {
    const parsed = parametersJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidValueError(`invalid parameters: ${issue?.message ?? 'not an object'}`, {
        location: issue?.path[0] === undefined ? {} : { parameter: String(issue.path[0]) },
      });
    }
    let p = Parameters.empty;
    for (const [name, raw] of Object.entries(parsed.data)) {
      try {
        const value = typeof raw === 'object' ? new Quantity(raw.magnitude, raw.unit) : raw;
        p = p.with(name, value, types?.(name) ?? ParameterType.of(value));
      } catch (e) {
        throw e instanceof InvalidValueError || e instanceof InvalidTypeError
          ? e.addContext({ parameter: name })
          : new InvalidValueError(e instanceof Error ? e.message : String(e), {
              cause: e,
              location: { parameter: name },
            });
      }
    }
    return p;
  }

  /** Restores parameters from their lossless form. */
  static fromTypedJSON(json: unknown): Parameters {
    const parsed = typedParametersJsonSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidValueError(
        `invalid typed parameters: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    let p = Parameters.empty;
    for (const { name, type, value } of parsed.data) {
      try {
        const v = typeof value === 'object' ? new Quantity(value.magnitude, value.unit) : value;
        p = p.with(name, v, ParameterType.intern(type));
      } catch (e) {
        if (e instanceof InvalidValueError || e instanceof InvalidTypeError)
          throw e.addContext({ parameter: name });
        throw e;
      }
    }
    return p;
  }

  /** Number of parameters. */
  get size(): number {
    return this.values.length;
  }

  /** The names, in insertion order. */
  get names(): readonly DottedName[] {
    return this.index.names as readonly DottedName[];
  }

  /** The value of a parameter, or undefined. */
  get(name: string): ParameterValue | undefined {
    const slot = this.index.slots.get(name);
    return slot === undefined ? undefined : this.values[slot];
  }

  /** True if the parameter is set. */
  has(name: string): boolean {
    return this.index.slots.has(name);
  }

  /** The type of a parameter, or undefined. Types are interned (compare with `===`). */
  typeOf(name: string): ParameterType | undefined {
    const slot = this.index.slots.get(name);
    return slot === undefined ? undefined : this.types[slot];
  }

  /**
   * A copy with `name` set. The type defaults to {@link ParameterType.of}; an explicit type is
   * checked against the value ({@link InvalidTypeError} naming the parameter).
   */
  with(name: string, value: ParameterValue, type?: ParameterType): Parameters {
    const t = type === undefined ? ParameterType.of(value) : ParameterType.intern(type);
    checkValue(name, value, t);
    const slot = this.index.slots.get(name);
    if (slot === undefined) {
      DottedName.parse(name);
      return new Parameters(this.index.extend(name), [...this.values, value], [...this.types, t]);
    }
    return this.replaceAt(slot, value, t);
  }

  /**
   * Fast path of {@link Parameters.with} for callers that already validated the name and the
   * value's type (expressions, the iteration walk).
   * @internal
   */
  withTrusted(name: string, value: ParameterValue, type: ParameterType): Parameters {
    const slot = this.index.slots.get(name);
    if (slot === undefined) {
      return new Parameters(
        this.index.extend(name),
        [...this.values, value],
        [...this.types, type],
      );
    }
    return this.replaceAt(slot, value, type);
  }

  private replaceAt(slot: number, value: ParameterValue, type: ParameterType): Parameters {
    const values = this.values.slice();
    values[slot] = value;
    const types = this.types[slot] === type ? this.types : this.types.slice();
    if (types !== this.types) (types as ParameterType[])[slot] = type;
    return new Parameters(this.index, values, types);
  }

  /** A copy without `name` (unchanged if absent). */
  without(name: string): Parameters {
    const slot = this.index.slots.get(name);
    if (slot === undefined) return this;
    const keep = (_: unknown, i: number): boolean => i !== slot;
    return new Parameters(
      ParameterIndex.of(this.index.names.filter(keep)),
      this.values.filter(keep),
      this.types.filter(keep),
    );
  }

  /** A copy with every parameter of `other` set (other's values win). */
  merge(other: Parameters): Parameters {
    return [...other.typedEntries()].reduce<Parameters>(
      (acc, [name, value, type]) => acc.withTrusted(name, value, type),
      this,
    );
  }

  /** `[name, value]` pairs in insertion order. */
  *entries(): IterableIterator<[DottedName, ParameterValue]> {
    const names = this.index.names;
    for (let i = 0; i < names.length; i++) yield [names[i] as DottedName, this.values[i]!];
  }

  /** `[name, value, type]` triples in insertion order. */
  *typedEntries(): IterableIterator<[DottedName, ParameterValue, ParameterType]> {
    const names = this.index.names;
    for (let i = 0; i < names.length; i++) {
      yield [names[i] as DottedName, this.values[i]!, this.types[i]!];
    }
  }

  /** Same names in the same order, equal values and types. */
  equals(other: Parameters): boolean {
    if (other.size !== this.size) return false;
    const names = this.index.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (other.index.names[i] !== name) return false;
      const a = this.values[i]!;
      const b = other.values[i]!;
      const same = typeof a === 'object' ? typeof b === 'object' && a.equals(b) : a === b;
      if (!same || !ParameterType.equals(this.types[i]!, other.types[i]!)) return false;
    }
    return true;
  }

  /** The stored form: `{ "mot.detuning": { "magnitude": -2, "unit": "MHz" }, "n": 3 }`. */
  toJSON(): ParametersJson {
    const out: ParametersJson = {};
    for (const [name, value] of this.entries()) {
      out[name] = typeof value === 'object' ? value.toJSON() : value;
    }
    return out;
  }

  /** The lossless form: `[{ name, type, value }, ...]`. */
  toTypedJSON(): TypedParametersJson {
    return [...this.typedEntries()].map(([name, value, type]) => ({
      name,
      type: { ...type },
      value: typeof value === 'object' ? value.toJSON() : value,
    }));
  }

  /** `{a=1, f=2 MHz}` for messages. */
  toString(): string {
    return `{${[...this.entries()].map(([n, v]) => `${n}=${formatParameterValue(v)}`).join(', ')}}`;
  }
}
