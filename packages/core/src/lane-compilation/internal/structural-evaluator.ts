// Evaluates a time-dependent expression over a block as an instruction, keeping structure: `t` is
// a ramp, sums and products by constants stay ramps, and only non-linear sub-expressions (a function
// of t, t * t...) are sampled tick by tick.
import { EvaluationError } from '../../errors/index.js';
import type { BinaryNode, Expression, ExpressionNode } from '../../expression/index.js';
import {
  type TimedInstruction,
  InstructionLayout,
  InstructionTooLargeError,
  InstructionValueError,
  Pattern,
  constantInstruction,
  createRamp,
  mapInstruction,
  zipInstructions,
} from '../../instructions/index.js';
import type { Parameters } from '../../parameters/index.js';
import { PICOSECONDS_PER_SECOND } from '../../time/index.js';
import type { BlockTiming } from './block-timing.js';

/** Name of the time variable in lane expressions. */
export const TIME = 't';

/** True if the node mentions `t`. */
export function dependsOnTime(node: ExpressionNode): boolean {
  switch (node.kind) {
    case 'variable':
      return node.name === TIME;
    case 'unary':
      return dependsOnTime(node.operand);
    case 'binary':
      return dependsOnTime(node.left) || dependsOnTime(node.right);
    case 'call':
      return node.args.some(dependsOnTime);
    default:
      return false;
  }
}

/**
 * True if the node is sampled tick by tick as a whole: a function call or a power of `t`, possibly
 * combined with constants (`1 V * sin(2 pi t / 1 ms)`, `-cos(t / 1 s)`). Sampling it in one pass
 * gives the same values as sampling the time-dependent part and then mapping the constant
 * arithmetic over it, without the intermediate array.
 */
function sampledAsWhole(node: ExpressionNode): boolean {
  switch (node.kind) {
    case 'call':
      return dependsOnTime(node);
    case 'unary':
      return sampledAsWhole(node.operand);
    case 'binary':
      if (node.operator === '^') return dependsOnTime(node);
      return (
        (!dependsOnTime(node.left) && sampledAsWhole(node.right)) ||
        (sampledAsWhole(node.left) && !dependsOnTime(node.right))
      );
    default:
      return false;
  }
}

const AFFINE = { affine: true } as const;
/** Most ticks a non-linear function of `t` may be sampled at in one block (256 MiB of float64). */
const MAX_SAMPLES = 1 << 25;
const SUM_IS_LINEAR = { linear: (): boolean => true } as const;

/**
 * Evaluates nodes of one expression over one block (SI values, float64). Dimensions are checked by
 * compiling the whole expression first (the caller does); here every value is an SI number.
 */
export class StructuralEvaluator {
  /** Time of tick 0 of the block and of the tick after the block, relative to the block start (s). */
  private readonly tStart: number;
  private readonly tStop: number;

  constructor(
    private readonly expression: Expression,
    private readonly parameters: Parameters,
    private readonly timing: BlockTiming,
  ) {
    const { firstTick, ticks, dt, t0 } = timing;
    this.tStart = (firstTick * dt - t0) / PICOSECONDS_PER_SECOND;
    this.tStop = ((firstTick + ticks) * dt - t0) / PICOSECONDS_PER_SECOND;
  }

  /** The SI value of a node that does not depend on `t`. */
  constant(node: ExpressionNode): number {
    return this.expression.compile(this.parameters, { node }).valueAt(this.parameters, Number.NaN);
  }

  /** The node over the block: a number if it does not depend on `t`, else an instruction. */
  evaluate(node: ExpressionNode): TimedInstruction | number {
    if (!dependsOnTime(node)) return this.constant(node);
    if (sampledAsWhole(node)) return this.sample(node);
    switch (node.kind) {
      case 'variable':
        return createRamp(this.tStart, this.tStop, this.timing.ticks);
      case 'unary': {
        const operand = this.evaluate(node.operand);
        if (node.operator === '+') return operand;
        return typeof operand === 'number' ? -operand : mapInstruction(operand, (v) => -v, AFFINE);
      }
      case 'binary':
        return this.binary(node);
      default:
        return this.sample(node);
    }
  }

  /** The node over the block as an instruction (a constant is repeated over the block). */
  instruction(node: ExpressionNode): TimedInstruction {
    const value = this.evaluate(node);
    return typeof value === 'number' ? constantInstruction(value, this.timing.ticks) : value;
  }

  private binary(node: BinaryNode): TimedInstruction {
    if (node.operator === '^') return this.sample(node);
    const left = this.evaluate(node.left);
    const right = this.evaluate(node.right);
    switch (node.operator) {
      case '+':
        if (typeof left === 'number')
          return mapInstruction(right as TimedInstruction, (v) => left + v, AFFINE);
        if (typeof right === 'number') return mapInstruction(left, (v) => v + right, AFFINE);
        return zipInstructions([left, right], (v) => v[0]! + v[1]!, SUM_IS_LINEAR);
      case '-':
        if (typeof left === 'number')
          return mapInstruction(right as TimedInstruction, (v) => left - v, AFFINE);
        if (typeof right === 'number') return mapInstruction(left, (v) => v - right, AFFINE);
        return zipInstructions([left, right], (v) => v[0]! - v[1]!, SUM_IS_LINEAR);
      case '*':
        if (typeof left === 'number')
          return mapInstruction(right as TimedInstruction, (v) => left * v, AFFINE);
        if (typeof right === 'number') return mapInstruction(left, (v) => v * right, AFFINE);
        return zipInstructions([left, right], (v) => v[0]! * v[1]!, {
          linear: (s) => s[0] === 0 || s[1] === 0,
        });
      case '/':
        if (typeof right === 'number') {
          if (right === 0) throw new EvaluationError('division by zero');
          return mapInstruction(left as TimedInstruction, (v) => v / right, AFFINE);
        }
        if (typeof left === 'number') return mapInstruction(right, (v) => left / v);
        return zipInstructions([left, right], (v) => v[0]! / v[1]!, { linear: (s) => s[1] === 0 });
    }
  }

  /** Samples a node at every tick of the block (non-linear in `t`). */
  private sample(node: ExpressionNode): TimedInstruction {
    const compiled = this.expression.compile(this.parameters, { timeDependent: true, node });
    const { firstTick, ticks, dt, t0 } = this.timing;
    if (ticks > MAX_SAMPLES) {
      throw new InstructionTooLargeError(
        `sampling a non-linear function of t at ${ticks} ticks exceeds the limit of ${MAX_SAMPLES}: ` +
          `use a coarser time step or a shorter block`,
      );
    }
    const values = new Float64Array(ticks);
    for (let i = 0; i < ticks; i++) {
      const t = ((firstTick + i) * dt - t0) / PICOSECONDS_PER_SECOND;
      const v = compiled.valueAt(this.parameters, t);
      if (!Number.isFinite(v)) {
        throw new InstructionValueError(`the value at t = ${t} s is ${v}: values must be finite`);
      }
      values[i] = v;
    }
    return new Pattern(InstructionLayout.scalar('float64'), [values], 0, ticks);
  }
}
