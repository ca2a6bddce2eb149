import { type InstructionDType, INSTRUCTION_DTYPES } from './dtype.js';
import { InstructionTypeError } from './instruction-errors.js';

/** One channel of an instruction: its name (empty for an unnamed single channel) and dtype. */
export interface InstructionField {
  readonly name: string;
  readonly dtype: InstructionDType;
}

const SCALAR_LAYOUTS = new Map<InstructionDType, InstructionLayout>();

/**
 * The channels of an instruction. Either *scalar* (one unnamed channel, like a plain numpy dtype) or
 * *structured* (named channels such as `ch 0`, `ch 1`..., like a numpy structured dtype). Layouts
 * are compared by value; scalar layouts are interned.
 */
export class InstructionLayout {
  /** The channels, in order. A scalar layout has one field named `''`. */
  readonly fields: readonly InstructionField[];
  /** False for a single unnamed channel. */
  readonly structured: boolean;
  private readonly indexByName: ReadonlyMap<string, number>;

  private constructor(fields: readonly InstructionField[], structured: boolean) {
    this.fields = Object.freeze(fields.map((f) => Object.freeze({ name: f.name, dtype: f.dtype })));
    this.structured = structured;
    const index = new Map<string, number>();
    this.fields.forEach((f, i) => index.set(f.name, i));
    this.indexByName = index;
  }

  /** The layout of a single unnamed channel of `dtype`. */
  static scalar(dtype: InstructionDType): InstructionLayout {
    let layout = SCALAR_LAYOUTS.get(dtype);
    if (layout === undefined) {
      layout = new InstructionLayout([{ name: '', dtype }], false);
      SCALAR_LAYOUTS.set(dtype, layout);
    }
    return layout;
  }

  /**
   * A layout of named channels. Names must be non-empty and unique; at least one field.
   * @throws InstructionTypeError naming the offending channel.
   */
  static structured(fields: readonly InstructionField[]): InstructionLayout {
    if (fields.length === 0) {
      throw new InstructionTypeError('a structured instruction needs at least one channel');
    }
    const seen = new Set<string>();
    for (const field of fields) {
      if (typeof field.name !== 'string' || field.name === '') {
        throw new InstructionTypeError('channel names must be non-empty strings');
      }
      if (!INSTRUCTION_DTYPES.includes(field.dtype)) {
        throw new InstructionTypeError(`unknown dtype "${String(field.dtype)}"`, {
          location: { channel: field.name },
        });
      }
      if (seen.has(field.name)) {
        throw new InstructionTypeError('duplicate channel name', {
          location: { channel: field.name },
        });
      }
      seen.add(field.name);
    }
    return new InstructionLayout(fields, true);
  }

  /** Number of channels. */
  get width(): number {
    return this.fields.length;
  }

  /** The dtype of a scalar layout, or of the first channel. */
  get dtype(): InstructionDType {
    return this.fields[0]!.dtype;
  }

  /** Index of the named channel, or -1. */
  indexOf(name: string): number {
    return this.indexByName.get(name) ?? -1;
  }

  /**
   * Resolves a channel reference (a name, or an index) to an index.
   * @throws InstructionTypeError if there is no such channel.
   */
  resolve(field: string | number): number {
    if (typeof field === 'number') {
      if (Number.isInteger(field) && field >= 0 && field < this.fields.length) return field;
      throw new InstructionTypeError(
        `channel index ${field} is out of range for ${this.fields.length} channel(s)`,
      );
    }
    const index = this.indexOf(field);
    if (index < 0) {
      throw new InstructionTypeError(
        `no channel "${field}" (channels: ${this.fields.map((f) => JSON.stringify(f.name)).join(', ')})`,
        { location: { channel: field } },
      );
    }
    return index;
  }

  /** Value equality: same kind, same names and dtypes in the same order. */
  equals(other: InstructionLayout): boolean {
    if (this === other) return true;
    if (this.structured !== other.structured || this.fields.length !== other.fields.length) {
      return false;
    }
    for (let i = 0; i < this.fields.length; i++) {
      const a = this.fields[i]!;
      const b = other.fields[i]!;
      if (a.name !== b.name || a.dtype !== b.dtype) return false;
    }
    return true;
  }

  /** Readable form: `float64` or `{ch 0: bool, ch 1: float64}`. */
  toString(): string {
    if (!this.structured) return this.dtype;
    return `{${this.fields.map((f) => `${f.name}: ${f.dtype}`).join(', ')}}`;
  }
}
