import {
  type DimensionedSeries,
  type Parameters,
  Pattern,
  Unit,
  concatenate,
  isTriggerableCompiler,
  repeat,
} from '@shotline/core';
import {
  ChannelOutputError,
  ChannelTypeError,
  DeviceNotTriggerableError,
} from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  NO_SHIFT,
  OutputNode,
} from './output-node.js';
import {
  type StaticContext,
  type StaticOutputType,
  BOOLEAN_TYPE,
  describeStaticType,
} from './static-type.js';

/**
 * The trigger signal of another device, as its compiler computes it (`TriggerableCompiler`), low
 * during the padding before and after the shot. When the device is not used in the sequence the
 * `fallback` (a boolean output) is used, or it is an error naming the device.
 */
export class DeviceTriggerNode extends OutputNode {
  constructor(
    readonly device: string,
    readonly fallback: OutputNode | undefined,
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const { shot, timeStep, shotTicks } = evaluation;
    if (!shot.isDeviceUsed(this.device)) {
      if (this.fallback === undefined) {
        throw new ChannelOutputError(
          `there is no device "${this.device}" in this sequence to generate a trigger for, and the channel has no default`,
        );
      }
      const series = this.fallback.evaluate(evaluation, prepend, append);
      if (!series.unit.isDimensionless || series.values.layout.dtype !== 'bool') {
        throw new ChannelTypeError(
          `the default of the trigger of "${this.device}" must be boolean, not ${series.values.layout.toString()}${series.unit.isDimensionless ? '' : ` in ${series.unit.symbol}`}`,
        );
      }
      return series;
    }
    const compiler = shot.deviceCompiler(this.device);
    if (!isTriggerableCompiler(compiler)) {
      throw new DeviceNotTriggerableError(
        `the device "${this.device}" cannot be triggered by a sequencer channel (its compiler computes no trigger)`,
      );
    }
    const trigger = compiler.computeTrigger(timeStep, shot);
    if (trigger.layout.structured || trigger.layout.dtype !== 'bool') {
      throw new ChannelTypeError(
        `the trigger computed by "${this.device}" must be a boolean instruction, not ${trigger.layout.toString()}`,
      );
    }
    if (trigger.length !== shotTicks) {
      throw new ChannelOutputError(
        `the trigger computed by "${this.device}" has ${trigger.length} ticks, but the shot has ${shotTicks} ticks of ${timeStep} ps`,
      );
    }
    const low = Pattern.of([false], 'bool');
    return {
      values: concatenate(repeat(low, prepend), trigger, repeat(low, append)),
      unit: Unit.dimensionless,
    };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    const fallback = this.fallback?.staticType(context);
    if (fallback !== undefined && (!fallback.boolean || !fallback.unit.isDimensionless)) {
      throw new ChannelTypeError(
        `the default of the trigger of "${this.device}" must be boolean, not ${describeStaticType(fallback)}`,
      );
    }
    return BOOLEAN_TYPE;
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return this.fallback?.maxAdvanceAndDelay(parameters, timeStep) ?? NO_SHIFT;
  }

  toString(): string {
    return this.fallback === undefined
      ? `trigger of "${this.device}"`
      : `trigger of "${this.device}" | ${this.fallback.toString()}`;
  }
}
