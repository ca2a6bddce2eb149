import { type DimensionedSeries, type Parameters, Unit, castInstruction } from '@shotline/core';
import { ChannelUnitError } from '../sequencer-errors.js';
import { type AdvanceAndDelay, type OutputEvaluation, OutputNode } from './output-node.js';
import type { StaticContext, StaticOutputType } from './static-type.js';
import { PiecewiseLinear } from './piecewise-linear.js';

/**
 * The input through a measured calibration (e.g. RF power in dBm to AOM voltage): piecewise-linear
 * interpolation between points given in `inputUnit` and `outputUnit`, computed in SI base units
 * (so `dB` points interpolate in linear ratio), held flat beyond the end points. Ramps map to
 * sub-ramps, exactly.
 */
export class CalibratedAnalogMappingNode extends OutputNode {
  readonly inputUnit: Unit;
  readonly outputUnit: Unit;
  readonly mapping: PiecewiseLinear;
  private readonly baseOutputUnit: Unit;

  constructor(
    readonly input: OutputNode,
    inputUnit: string,
    outputUnit: string,
    points: readonly (readonly [number, number])[],
  ) {
    super();
    this.inputUnit = Unit.parse(inputUnit);
    this.outputUnit = Unit.parse(outputUnit);
    this.baseOutputUnit = this.outputUnit.baseUnit;
    this.mapping = new PiecewiseLinear(
      points.map(([x, y]) => [this.inputUnit.toBase(x), this.outputUnit.toBase(y)] as const),
    );
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const series = this.input.evaluate(evaluation, prepend, append);
    this.checkInput(series.unit);
    const values = castInstruction(series.values, 'float64');
    return { values: this.mapping.map(values), unit: this.baseOutputUnit };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    const input = this.input.staticType(context);
    if (input !== undefined) this.checkInput(input.unit);
    return { unit: this.baseOutputUnit, boolean: false };
  }

  private checkInput(unit: Unit): void {
    if (!unit.dimension.equals(this.inputUnit.dimension)) {
      throw new ChannelUnitError(
        `the calibration expects its input in ${this.inputUnit.symbol || 'no unit'} ` +
          `(${this.inputUnit.baseSymbol || 'dimensionless'}), but ${this.input.toString()} gives ` +
          `${unit.symbol || 'dimensionless values'}`,
      );
    }
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return this.input.maxAdvanceAndDelay(parameters, timeStep);
  }

  toString(): string {
    return `Calibrated(${this.input.toString()})`;
  }
}
