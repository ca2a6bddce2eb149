import { z } from 'zod';
import { InvalidValueError } from '../errors/index.js';
import { describe } from './internal/lane-values.js';
import { type SpannedValue, TimeLane } from './time-lane.js';

/** A camera block value: take a picture with this name; the exposure is the block duration. */
export class TakePicture {
  constructor(readonly pictureName: string) {
    if (typeof pictureName !== 'string' || pictureName.trim() === '') {
      throw new InvalidValueError('a picture needs a non-empty name');
    }
  }

  /** Same picture name. */
  equals(other: unknown): boolean {
    return other instanceof TakePicture && other.pictureName === this.pictureName;
  }

  /** `{ "picture": name }`. */
  toJSON(): { picture: string } {
    return { picture: this.pictureName };
  }
}

/** A value of a camera lane: a picture or nothing. */
export type CameraValue = TakePicture | null;

/** zod schema of a camera block value's JSON: `{ "picture": name }` or `null`. */
export const cameraValueJsonSchema = z.union([z.object({ picture: z.string() }), z.null()]);

/** A camera lane (named after the camera device): when to take which picture. */
export class CameraTimeLane extends TimeLane<CameraValue> {
  readonly type = 'camera' as const;

  /** A lane from `[value, span]` blocks. */
  constructor(spans: Iterable<SpannedValue<CameraValue>>) {
    super(spans);
  }

  /** The picture names in block order (duplicates are an error for the camera compiler, not here). */
  pictureNames(): string[] {
    return this.blocks.flatMap((b) => (b.value === null ? [] : [b.value.pictureName]));
  }

  protected checkValue(value: unknown): string | undefined {
    return value === null || value instanceof TakePicture
      ? undefined
      : `a camera lane holds pictures or null, not ${describe(value)}`;
  }

  protected withSpans(spans: readonly SpannedValue<CameraValue>[]): this {
    return new CameraTimeLane(spans) as this;
  }

  valueEquals(a: CameraValue, b: CameraValue): boolean {
    return a === null ? b === null : a.equals(b);
  }

  valueToJSON(value: CameraValue): { picture: string } | null {
    return value === null ? null : value.toJSON();
  }
}
