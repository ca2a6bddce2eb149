import {
  type DimensionedSeries,
  type Parameters,
  type TimedInstruction,
  AnalogTimeLane,
  DigitalTimeLane,
  Expression,
  Unit,
  compileAnalogLane,
  compileDigitalLane,
} from '@shotline/core';
import { ChannelOutputError, ChannelTypeError } from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  NO_SHIFT,
  OutputNode,
  padWithEdges,
} from './output-node.js';
import {
  type StaticContext,
  type StaticOutputType,
  BOOLEAN_TYPE,
  expressionType,
} from './static-type.js';

/**
 * The values of a digital or analog time lane (booleans, or floats in SI base units); the padding
 * before and after the shot repeats the first and last values. When the sequence has no such lane
 * the `fallback` is used, or it is an error naming the lane.
 */
export class LaneValuesNode extends OutputNode {
  /** The last padded values, reused while the lane's series and the padding do not change. */
  private padded:
    | { series: DimensionedSeries; prepend: number; append: number; values: TimedInstruction }
    | undefined;

  constructor(
    readonly lane: string,
    readonly fallback: OutputNode | undefined,
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const { shot, timeStep } = evaluation;
    const lane = shot.findLane(this.lane);
    if (lane === undefined) {
      if (this.fallback !== undefined) return this.fallback.evaluate(evaluation, prepend, append);
      throw new ChannelOutputError(
        `there is no time lane "${this.lane}" in this sequence, and the channel has no default`,
        { location: { lane: this.lane } },
      );
    }
    const compile = (): DimensionedSeries => {
      const context = { laneName: this.lane, stepNames: shot.stepNames };
      if (lane instanceof DigitalTimeLane) {
        return {
          values: compileDigitalLane(lane, shot.stepStartTimes, timeStep, shot.parameters, context),
          unit: Unit.dimensionless,
        };
      }
      if (lane instanceof AnalogTimeLane) {
        return compileAnalogLane(lane, shot.stepStartTimes, timeStep, shot.parameters, context);
      }
      throw new ChannelTypeError(
        `the time lane "${this.lane}" is a ${lane.type} lane: a sequencer channel reads digital or analog lanes`,
        { location: { lane: this.lane } },
      );
    };
    const series =
      evaluation.lanes === undefined
        ? compile()
        : evaluation.lanes.series(
            this.lane,
            lane,
            timeStep,
            shot.stepStartTimes,
            shot.parameters,
            compile,
          );
    const last = this.padded;
    if (last?.series === series && last.prepend === prepend && last.append === append) {
      return { values: last.values, unit: series.unit };
    }
    const values = padWithEdges(series.values, prepend, append, `the lane "${this.lane}"`);
    this.padded = { series, prepend, append, values };
    return { values, unit: series.unit };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    const lane = context.sequence.findLane(this.lane);
    if (lane === undefined) return this.fallback?.staticType(context);
    if (lane instanceof DigitalTimeLane) return BOOLEAN_TYPE;
    if (lane instanceof AnalogTimeLane) {
      for (const block of lane.blocks) {
        if (block.value instanceof Expression) {
          const type = expressionType(block.value, context.sample);
          return type === undefined ? undefined : { unit: type.unit, boolean: false };
        }
      }
    }
    return undefined;
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return this.fallback?.maxAdvanceAndDelay(parameters, timeStep) ?? NO_SHIFT;
  }

  toString(): string {
    return this.fallback === undefined
      ? `lane "${this.lane}"`
      : `lane "${this.lane}" | ${this.fallback.toString()}`;
  }
}
