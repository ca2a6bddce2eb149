import { EvaluationError, InvalidTypeError, InvalidValueError } from '../errors/index.js';
import type { Expression } from '../expression/index.js';
import { type TimedInstruction, constantInstruction } from '../instructions/index.js';
import type { Parameters } from '../parameters/index.js';
import { PICOSECONDS_PER_SECOND } from '../time/index.js';
import { Unit } from '../units/index.js';
import type { DimensionedSeries } from './dimensioned-series.js';
import { type BlockTiming, blockTiming } from './internal/block-timing.js';
import { StructuralEvaluator, dependsOnTime } from './internal/structural-evaluator.js';
import { squareWaveInstruction } from './square-wave.js';

/** An analog block's values and the values at its true edges (for the neighbouring ramps). */
export interface AnalogBlockValues extends DimensionedSeries {
  /** Value at `t = 0` (the block start), SI. */
  readonly first: number;
  /** Value at `t = t1 - t0` (the block end, excluded from the block's ticks), SI. */
  readonly last: number;
  /** The unit the expression is written in (for messages). */
  readonly displayUnit: Unit;
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value))
    throw new EvaluationError(`${what} is ${value}: values must be finite`);
  return value;
}

/** Values of an analog expression over a block (see {@link evaluateAnalogExpression}). */
export function analogBlockValues(
  expression: Expression,
  parameters: Parameters,
  timing: BlockTiming,
): AnalogBlockValues {
  const timeDependent = expression.isTimeDependent;
  const compiled = expression.compile(parameters, { timeDependent });
  const displayUnit = compiled.type.kind === 'bool' ? Unit.dimensionless : compiled.unit;
  const unit = displayUnit.baseUnit;
  if (!timeDependent) {
    const value = finite(compiled.valueAt(parameters, Number.NaN), 'the value');
    const values = constantInstruction(value, timing.ticks);
    return { values, unit, displayUnit, first: value, last: value };
  }
  const values = new StructuralEvaluator(expression, parameters, timing).instruction(
    expression.ast,
  );
  const duration = (timing.t1 - timing.t0) / PICOSECONDS_PER_SECOND;
  return {
    values,
    unit,
    displayUnit,
    first: finite(compiled.valueAt(parameters, 0), 'the value at t = 0'),
    last: finite(compiled.valueAt(parameters, duration), `the value at t = ${duration} s`),
  };
}

/**
 * Evaluates an analog lane expression over the block `[t0, t1)` (ps) at a time step (ps): one value
 * per tick of the block, in SI base units, with the unit. `t` is the time from the block start in
 * seconds. Linear functions of `t` stay ramps (`10 V * t / 1 ms` over 1 s at 1 ns is one Ramp);
 * non-linear ones (`sin(...)`, `t * t`) are sampled at each tick. Booleans give 0/1, dimensionless.
 * @throws EvaluationError / DimensionalityError naming the expression.
 */
export function evaluateAnalogExpression(
  expression: Expression,
  parameters: Parameters,
  t0: number,
  t1: number,
  timeStep: number,
): DimensionedSeries {
  const { values, unit } = analogBlockValues(expression, parameters, timing(t0, t1, timeStep));
  return { values, unit };
}

/**
 * Evaluates a digital lane expression over the block `[t0, t1)` (ps): a boolean instruction.
 * A time-independent expression must be boolean (`Enabled`, a bool parameter...). A time-dependent
 * one must be `square_wave(x, duty)`, computed structurally: `x` (dimensionless, `t` from the block
 * start in seconds, e.g. `t * 1 kHz` or `(t - 0.5 ms) / 1 ms`) is evaluated as an instruction, and
 * a ramp of `x` becomes a repeated pulse, so a 1 kHz square wave over 1 s at 1 ns stays tiny.
 * @throws InvalidTypeError for a non-boolean value; EvaluationError for another time-dependent
 * form; InvalidValueError for a duty cycle outside [0, 1] or a wave too fast for the time step.
 */
export function evaluateDigitalExpression(
  expression: Expression,
  parameters: Parameters,
  t0: number,
  t1: number,
  timeStep: number,
): TimedInstruction {
  return digitalBlockValues(expression, parameters, timing(t0, t1, timeStep));
}

/** See {@link evaluateDigitalExpression}. */
export function digitalBlockValues(
  expression: Expression,
  parameters: Parameters,
  timing: BlockTiming,
): TimedInstruction {
  const compiled = expression.compile(parameters, { timeDependent: expression.isTimeDependent });
  if (compiled.type.kind !== 'bool') {
    throw new InvalidTypeError(
      `a digital lane needs a boolean value, but the expression is a ${describeType(compiled.type)}`,
      { location: { expression: expression.source } },
    );
  }
  if (!expression.isTimeDependent) {
    const value = compiled.valueAt(parameters, Number.NaN) !== 0;
    return constantInstruction(value, timing.ticks);
  }
  const ast = expression.ast;
  if (ast.kind !== 'call' || ast.name !== 'square_wave') {
    throw new EvaluationError(
      'a time-dependent digital value must be square_wave(x, duty), with x a function of t',
      { location: { expression: expression.source } },
    );
  }
  const evaluator = new StructuralEvaluator(expression, parameters, timing);
  const [xNode, dutyNode] = ast.args;
  let duty = 0.5;
  if (dutyNode !== undefined) {
    if (dependsOnTime(dutyNode)) {
      throw new EvaluationError('the duty cycle of square_wave must not depend on t', {
        location: { expression: expression.source, column: dutyNode.start + 1 },
      });
    }
    duty = evaluator.constant(dutyNode);
    if (!(duty >= 0 && duty <= 1)) {
      throw new InvalidValueError(`the duty cycle of square_wave must be in [0, 1], got ${duty}`, {
        location: { expression: expression.source, column: dutyNode.start + 1 },
      });
    }
  }
  try {
    return squareWaveInstruction(evaluator.instruction(xNode!), duty);
  } catch (error) {
    if (error instanceof InvalidValueError) error.addContext({ expression: expression.source });
    throw error;
  }
}

function describeType(type: { kind: string; unit?: string }): string {
  return type.kind === 'quantity' ? `quantity in ${type.unit}` : type.kind;
}

function timing(t0: number, t1: number, timeStep: number): BlockTiming {
  if (!Number.isSafeInteger(t0) || !Number.isSafeInteger(t1) || t1 < t0) {
    throw new InvalidValueError(
      `a block must span integer picoseconds [t0, t1), got [${t0}, ${t1})`,
    );
  }
  return blockTiming({ value: null, start: 0, stop: 1 }, [t0, t1], timeStep);
}
