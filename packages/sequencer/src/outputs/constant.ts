import {
  type DimensionedSeries,
  type Expression,
  type Parameters,
  Pattern,
  Unit,
  repeat,
} from '@shotline/core';
import { ChannelOutputError } from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  NO_SHIFT,
  OutputNode,
} from './output-node.js';
import { type StaticContext, type StaticOutputType, expressionType } from './static-type.js';

/**
 * The value of an expression held over the whole shot and its padding: a boolean gives a boolean
 * channel, a number a dimensionless float, a quantity its SI base value (`2.5 mV` is 0.0025 V).
 */
export class ConstantNode extends OutputNode {
  constructor(readonly value: Expression) {
    super();
    if (value.isTimeDependent) {
      throw new ChannelOutputError(
        `a Constant output cannot depend on the time t ("${value.source}"): use an analog lane`,
        { location: { expression: value.source } },
      );
    }
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const parameters = evaluation.shot.parameters;
    const compiled = this.value.compile(parameters);
    const si = compiled.valueAt(parameters, NaN);
    const length = prepend + evaluation.shotTicks + append;
    if (compiled.type.kind === 'bool') {
      return { values: repeat(Pattern.of([si !== 0], 'bool'), length), unit: Unit.dimensionless };
    }
    if (!Number.isFinite(si)) {
      throw new ChannelOutputError(`the constant "${this.value.source}" is not finite (${si})`, {
        location: { expression: this.value.source },
      });
    }
    return { values: repeat(Pattern.of([si], 'float64'), length), unit: compiled.unit.baseUnit };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    return expressionType(this.value, context.sample);
  }

  maxAdvanceAndDelay(_parameters: Parameters, _timeStep: number): AdvanceAndDelay {
    return NO_SHIFT;
  }

  toString(): string {
    return this.value.source;
  }
}
