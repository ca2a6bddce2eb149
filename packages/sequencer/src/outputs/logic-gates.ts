import {
  type DimensionedSeries,
  type Parameters,
  type TimedInstruction,
  Unit,
  mapInstruction,
  zipInstructions,
} from '@shotline/core';
import { ChannelTypeError } from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  OutputNode,
  combineAdvanceAndDelay,
} from './output-node.js';
import {
  type StaticContext,
  type StaticOutputType,
  BOOLEAN_TYPE,
  describeStaticType,
} from './static-type.js';

/** The logic operations of gates with several inputs. */
export type LogicOperation = 'And' | 'Or' | 'Xor';

const OPERATIONS: Record<LogicOperation, (values: readonly number[]) => boolean> = {
  And: (values) => values.every((v) => v !== 0),
  Or: (values) => values.some((v) => v !== 0),
  Xor: (values) => values.reduce((odd, v) => (v !== 0 ? !odd : odd), false),
};

function checkStatic(input: OutputNode, context: StaticContext, gate: string): void {
  const type = input.staticType(context);
  if (type !== undefined && (!type.boolean || !type.unit.isDimensionless)) {
    throw new ChannelTypeError(
      `the inputs of ${gate} must be boolean, but ${input.toString()} gives ${describeStaticType(type)}`,
    );
  }
}

function booleanInput(
  series: DimensionedSeries,
  input: OutputNode,
  gate: string,
): TimedInstruction {
  if (
    !series.unit.isDimensionless ||
    series.values.layout.structured ||
    series.values.layout.dtype !== 'bool'
  ) {
    throw new ChannelTypeError(
      `the inputs of ${gate} must be boolean, but ${input.toString()} gives ` +
        `${series.values.layout.toString()}${series.unit.isDimensionless ? '' : ` in ${series.unit.symbol}`}`,
    );
  }
  return series.values;
}

/** The negation of a boolean input, keeping its structure. */
export class NotNode extends OutputNode {
  constructor(readonly input: OutputNode) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const values = booleanInput(
      this.input.evaluate(evaluation, prepend, append),
      this.input,
      'Not',
    );
    return { values: mapInstruction(values, (v) => v === 0), unit: Unit.dimensionless };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    checkStatic(this.input, context, 'Not');
    return BOOLEAN_TYPE;
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return this.input.maxAdvanceAndDelay(parameters, timeStep);
  }

  toString(): string {
    return `not ${this.input.toString()}`;
  }
}

/**
 * AND, OR or XOR (odd parity) of boolean inputs, tick by tick. The inputs are merged structurally
 * (split at the union of their boundaries), so repeats stay repeats.
 */
export class LogicGateNode extends OutputNode {
  constructor(
    readonly operation: LogicOperation,
    readonly inputs: readonly OutputNode[],
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const values = this.inputs.map((input) =>
      booleanInput(input.evaluate(evaluation, prepend, append), input, this.operation),
    );
    return {
      values: zipInstructions(values, OPERATIONS[this.operation], { dtype: 'bool' }),
      unit: Unit.dimensionless,
    };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    for (const input of this.inputs) checkStatic(input, context, this.operation);
    return BOOLEAN_TYPE;
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return combineAdvanceAndDelay(
      this.inputs.map((i) => i.maxAdvanceAndDelay(parameters, timeStep)),
    );
  }

  toString(): string {
    return `(${this.inputs.map(String).join(` ${this.operation.toLowerCase()} `)})`;
  }
}
