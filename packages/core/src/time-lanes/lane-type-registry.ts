import { z } from 'zod';
import { InvalidValueError, ShotlineError, withContext } from '../errors/index.js';
import { Expression } from '../expression/expression.js';
import { AnalogRamp, AnalogTimeLane, analogValueJsonSchema } from './analog-time-lane.js';
import { CameraTimeLane, TakePicture, cameraValueJsonSchema } from './camera-time-lane.js';
import { DigitalTimeLane, digitalValueJsonSchema } from './digital-time-lane.js';
import type { SpannedValue, TimeLane, TimeLaneJson } from './time-lane.js';

/** An unknown lane type tag: the plugin that provides it is probably not loaded. */
export class UnknownLaneTypeError extends InvalidValueError {
  static override readonly code: string = 'UNKNOWN_LANE_TYPE';
}

/**
 * How to load lanes of one type tag. Plugins register their own (e.g. a `dds` lane) in the
 * {@link LaneTypeRegistry}; `toJSON` is the lane's own ({@link TimeLane.toJSON}).
 */
export interface LaneTypeDefinition<V = unknown> {
  /** The tag stored in the lane's JSON `type`. */
  readonly type: string;
  /** zod schema of one block value's JSON. */
  readonly valueSchema: z.ZodType;
  /** Turns one validated block value JSON into a lane value. */
  decodeValue(json: unknown): V;
  /** Builds the lane from its blocks. */
  create(spans: readonly SpannedValue<V>[]): TimeLane<V>;
}

/** zod schema of the JSON of a lane: `{ "type": tag, "blocks": [[value, span], ...] }`. */
export const timeLaneJsonSchema = z.object({
  type: z.string().min(1),
  blocks: z.array(z.tuple([z.unknown(), z.int().min(1)])),
});

/** The digital lane type: `true`/`false` or an expression string. */
export const digitalLaneType: LaneTypeDefinition<boolean | Expression> = {
  type: 'digital',
  valueSchema: digitalValueJsonSchema,
  decodeValue: (json) => (typeof json === 'boolean' ? json : new Expression(json as string)),
  create: (spans) => new DigitalTimeLane(spans),
};

/** The analog lane type: `{ "expression": "..." }` or `"ramp"`. */
export const analogLaneType: LaneTypeDefinition<Expression | AnalogRamp> = {
  type: 'analog',
  valueSchema: analogValueJsonSchema,
  decodeValue: (json) =>
    json === 'ramp'
      ? new AnalogRamp()
      : new Expression((json as { expression: string }).expression),
  create: (spans) => new AnalogTimeLane(spans),
};

/** The camera lane type: `{ "picture": name }` or `null`. */
export const cameraLaneType: LaneTypeDefinition<TakePicture | null> = {
  type: 'camera',
  valueSchema: cameraValueJsonSchema,
  decodeValue: (json) =>
    json === null ? null : new TakePicture((json as { picture: string }).picture),
  create: (spans) => new CameraTimeLane(spans),
};

/**
 * The lane types that can be loaded from JSON, by type tag. {@link LaneTypeRegistry.withBuiltins}
 * knows `digital`, `analog` and `camera`; plugins add theirs with {@link LaneTypeRegistry.register}.
 */
export class LaneTypeRegistry {
  private readonly definitions = new Map<string, LaneTypeDefinition>();

  /** A registry with the built-in lane types. */
  static withBuiltins(): LaneTypeRegistry {
    return new LaneTypeRegistry()
      .register(digitalLaneType)
      .register(analogLaneType)
      .register(cameraLaneType);
  }

  /** Adds a lane type; a tag registered twice is an error. Returns `this`. */
  register<V>(definition: LaneTypeDefinition<V>): this {
    if (this.definitions.has(definition.type)) {
      throw new InvalidValueError(`the lane type "${definition.type}" is already registered`);
    }
    this.definitions.set(definition.type, definition as LaneTypeDefinition);
    return this;
  }

  /** True if the tag is known. */
  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The registered tags. */
  get types(): string[] {
    return [...this.definitions.keys()];
  }

  /**
   * Loads the lane called `name` from JSON. Errors name the lane, and the block when a value is
   * bad; an unknown tag is an {@link UnknownLaneTypeError} naming the tag.
   */
  decodeLane(name: string, json: unknown): TimeLane {
    const parsed = timeLaneJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const block =
        issue?.path[0] === 'blocks' && typeof issue.path[1] === 'number'
          ? issue.path[1]
          : undefined;
      throw new InvalidValueError(
        `invalid lane JSON at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? ''}`,
        { location: { lane: name, block } },
      );
    }
    const definition = this.definitions.get(parsed.data.type);
    if (definition === undefined) {
      throw new UnknownLaneTypeError(
        `unknown lane type "${parsed.data.type}" (known: ${this.types.join(', ')}); register the plugin that provides it`,
        { location: { lane: name } },
      );
    }
    const spans = parsed.data.blocks.map(([raw, span], block): SpannedValue<unknown> => {
      const value = definition.valueSchema.safeParse(raw);
      if (!value.success) {
        throw new InvalidValueError(
          `invalid ${definition.type} value ${JSON.stringify(raw)}: ${value.error.issues[0]?.message ?? ''}`,
          { location: { lane: name, block } },
        );
      }
      try {
        return [definition.decodeValue(value.data), span];
      } catch (e) {
        throw withContext(e, { lane: name, block });
      }
    });
    try {
      return definition.create(spans);
    } catch (e) {
      throw e instanceof ShotlineError
        ? e.addContext({ lane: name })
        : withContext(e, { lane: name });
    }
  }

  /** The JSON of a lane (its own encoding). */
  encodeLane(lane: TimeLane): TimeLaneJson {
    return lane.toJSON();
  }
}
