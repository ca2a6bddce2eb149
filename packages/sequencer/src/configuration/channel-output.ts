import { Expression, Unit } from '@shotline/core';
import { z } from 'zod';

/**
 * The output tree of a sequencer channel: a declarative expression, stored as JSON tagged on
 * `type`, evaluated per shot into one value per tick.
 *
 * Sources:
 * - `LaneValues`: the values of a time lane (digital or analog), with a fallback `default` used
 *   when the sequence has no such lane;
 * - `Constant`: an expression (a boolean, a number or a quantity) held for the whole shot;
 * - `DeviceTrigger`: the trigger signal another device asks for (a camera, a slave sequencer), with
 *   a fallback `default` when that device is not used in the sequence.
 *
 * Transforms:
 * - `Advance` / `Delay`: shift the input earlier / later by a duration (rounded to ticks);
 * - `BroadenLeft`: a boolean input that goes high `width` earlier (e.g. to pre-open a slow shutter);
 * - `CalibratedAnalogMapping`: a piecewise-linear calibration from measured `[input, output]` points,
 *   clamped beyond the end points; ramps stay exact ramps;
 * - `Not`, `And`, `Or`, `Xor`: logic on boolean inputs.
 */
export type ChannelOutput =
  | LaneValuesOutput
  | ConstantOutput
  | DeviceTriggerOutput
  | AdvanceOutput
  | DelayOutput
  | BroadenLeftOutput
  | CalibratedAnalogMappingOutput
  | NotOutput
  | LogicOutput;

/** The values of the time lane `lane`; `default` when the sequence has no such lane. */
export interface LaneValuesOutput {
  readonly type: 'LaneValues';
  readonly lane: string;
  readonly default?: ChannelOutput;
}

/** The value of an expression (`"Enabled"`, `"2.5 V"`, `"mot.power"`), held for the whole shot. */
export interface ConstantOutput {
  readonly type: 'Constant';
  readonly value: string;
}

/** The trigger of `device` (its compiler computes it); `default` when `device` is not used. */
export interface DeviceTriggerOutput {
  readonly type: 'DeviceTrigger';
  readonly device: string;
  readonly default?: ChannelOutput;
}

/** The input played earlier by `advance` (a duration expression, e.g. `"1.1 us"`). */
export interface AdvanceOutput {
  readonly type: 'Advance';
  readonly input: ChannelOutput;
  readonly advance: string;
}

/** The input played later by `delay` (a duration expression). */
export interface DelayOutput {
  readonly type: 'Delay';
  readonly input: ChannelOutput;
  readonly delay: string;
}

/** A boolean input, high from `width` before each of its high periods (a duration expression). */
export interface BroadenLeftOutput {
  readonly type: 'BroadenLeft';
  readonly input: ChannelOutput;
  readonly width: string;
}

/**
 * The input through a calibration: piecewise-linear interpolation between the measured points
 * (`[input, output]`, in `inputUnit` and `outputUnit`; `""` for dimensionless, `dB` allowed),
 * computed in SI base units and held flat beyond the end points. At least two points, with distinct
 * inputs.
 */
export interface CalibratedAnalogMappingOutput {
  readonly type: 'CalibratedAnalogMapping';
  readonly input: ChannelOutput;
  readonly inputUnit: string;
  readonly outputUnit: string;
  readonly points: readonly (readonly [number, number])[];
}

/** The logical negation of a boolean input. */
export interface NotOutput {
  readonly type: 'Not';
  readonly input: ChannelOutput;
}

/** The AND, OR or XOR (odd parity) of two or more boolean inputs. */
export interface LogicOutput {
  readonly type: 'And' | 'Or' | 'Xor';
  readonly inputs: readonly ChannelOutput[];
}

/** A string that must parse as an expression (checked when the configuration is validated). */
export const expressionTextSchema = z.string().superRefine((source, ctx) => {
  try {
    new Expression(source);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
  }
});

/** A unit text (`"V"`, `"mW"`, `"dB"`, `""` for dimensionless), checked when validated. */
export const unitTextSchema = z.string().superRefine((text, ctx) => {
  try {
    Unit.parse(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
  }
});

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** zod schema of a {@link ChannelOutput} (recursive, strict: unknown keys are errors). */
export const channelOutputSchema: z.ZodType<ChannelOutput> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('LaneValues'),
      lane: z.string().min(1),
      default: channelOutputSchema.optional(),
    }),
    z.strictObject({ type: z.literal('Constant'), value: expressionTextSchema }),
    z.strictObject({
      type: z.literal('DeviceTrigger'),
      device: z.string().min(1),
      default: channelOutputSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('Advance'),
      input: channelOutputSchema,
      advance: expressionTextSchema,
    }),
    z.strictObject({
      type: z.literal('Delay'),
      input: channelOutputSchema,
      delay: expressionTextSchema,
    }),
    z.strictObject({
      type: z.literal('BroadenLeft'),
      input: channelOutputSchema,
      width: expressionTextSchema,
    }),
    z
      .strictObject({
        type: z.literal('CalibratedAnalogMapping'),
        input: channelOutputSchema,
        inputUnit: unitTextSchema,
        outputUnit: unitTextSchema,
        points: z.array(z.tuple([finite, finite])).min(2, 'a calibration needs at least 2 points'),
      })
      .superRefine((mapping, ctx) => {
        const inputs = mapping.points.map(([x]) => x);
        const repeated = inputs.find((x, i) => inputs.indexOf(x) !== i);
        if (repeated !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['points'],
            message: `two calibration points have the same input ${repeated} ${mapping.inputUnit}: the mapping would be vertical there`,
          });
        }
      }),
    z.strictObject({ type: z.literal('Not'), input: channelOutputSchema }),
    z.strictObject({
      type: z.enum(['And', 'Or', 'Xor']),
      inputs: z.array(channelOutputSchema).min(2, 'a logic gate needs at least 2 inputs'),
    }),
  ]),
);

/** Every `DeviceTrigger` target in an output tree (its defaults included), in tree order. */
export function triggeredDevices(output: ChannelOutput): string[] {
  const found: string[] = [];
  const visit = (node: ChannelOutput | undefined): void => {
    if (node === undefined) return;
    switch (node.type) {
      case 'DeviceTrigger':
        found.push(node.device);
        visit(node.default);
        break;
      case 'LaneValues':
        visit(node.default);
        break;
      case 'Constant':
        break;
      case 'Advance':
      case 'Delay':
      case 'BroadenLeft':
      case 'CalibratedAnalogMapping':
      case 'Not':
        visit(node.input);
        break;
      case 'And':
      case 'Or':
      case 'Xor':
        node.inputs.forEach(visit);
        break;
    }
  };
  visit(output);
  return found;
}

/** A readable form of an output tree, e.g. `BroadenLeft(lane "shutter", 2 ms)`. */
export function describeOutput(output: ChannelOutput): string {
  switch (output.type) {
    case 'LaneValues':
      return output.default === undefined
        ? `lane "${output.lane}"`
        : `lane "${output.lane}" | ${describeOutput(output.default)}`;
    case 'Constant':
      return output.value;
    case 'DeviceTrigger':
      return output.default === undefined
        ? `trigger of "${output.device}"`
        : `trigger of "${output.device}" | ${describeOutput(output.default)}`;
    case 'Advance':
      return `${describeOutput(output.input)} << ${output.advance}`;
    case 'Delay':
      return `${output.delay} >> ${describeOutput(output.input)}`;
    case 'BroadenLeft':
      return `BroadenLeft(${describeOutput(output.input)}, ${output.width})`;
    case 'CalibratedAnalogMapping':
      return `Calibrated(${describeOutput(output.input)})`;
    case 'Not':
      return `not ${describeOutput(output.input)}`;
    case 'And':
    case 'Or':
    case 'Xor':
      return `(${output.inputs.map(describeOutput).join(` ${output.type.toLowerCase()} `)})`;
  }
}
