// Per-block memory of lane compilation across shots. A block's compiled values are a pure function
// of its value, its timing relative to its ticks, and the parameters its expression reads; most of
// them do not change from one shot to the next (a scan changes one parameter or one step
// duration), so the last result of every block is kept and reused when those inputs are equal.
import type { Expression } from '../../expression/index.js';
import type { ParameterType, Parameters } from '../../parameters/index.js';
import type { TimeLane } from '../../time-lanes/index.js';
import { Quantity } from '../../units/index.js';
import type { BlockTiming } from './block-timing.js';

/**
 * A time-dependent result is kept only up to this many ticks: a sampled block holds one float per
 * tick, and the memo lives as long as the lane. Longer blocks are computed again when needed.
 */
const MAX_MEMO_TICKS = 1 << 20;
/** Time steps remembered per lane (several sequencers may compile one lane). */
const MAX_TIME_STEPS = 4;

/** What a block's values depend on besides the parameters: its ticks, phase and duration. */
export type BlockTicks = Pick<BlockTiming, 'ticks' | 'phase' | 'duration'>;

/** The SI number a parameter value compiles to (booleans are 0/1, quantities their SI value). */
function siValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value instanceof Quantity ? value.toBase() : Number.NaN;
}

/** The parameters an expression reads, with the types and SI values they had. */
class ExpressionInputs {
  /** Every identifier but the time `t` (parameters may shadow units and constants). */
  private readonly names: readonly string[];
  private readonly types: readonly (ParameterType | undefined)[];
  private readonly values: Float64Array;

  /** The inputs of `expression` in `parameters`; `previous` (of the same expression) is reused. */
  constructor(expression: Expression, parameters: Parameters, previous?: ExpressionInputs) {
    const time = expression.isTimeDependent;
    const names = previous?.names ?? expression.referencedNames.filter((n) => !(time && n === 't'));
    const values = new Float64Array(names.length);
    let types = previous?.types;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const type = parameters.typeOf(name);
      if (types !== undefined && types[i] !== type) types = undefined;
      values[i] = siValue(parameters.get(name));
    }
    this.names = names;
    this.types = types ?? names.map((n) => parameters.typeOf(n));
    this.values = values;
  }

  /** True if every name has the same type and SI value in `parameters`. */
  same(parameters: Parameters): boolean {
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const type = parameters.typeOf(name);
      if (type !== this.types[i]) return false;
      // An absent name (a constant or a unit) has no value to compare.
      if (type !== undefined && siValue(parameters.get(name)) !== this.values[i]) return false;
    }
    return true;
  }
}

const NO_INPUTS = { same: (): boolean => true };
type Inputs = ExpressionInputs | typeof NO_INPUTS;

/**
 * The last result of one block and what it was computed from: the parameters its expression read
 * (none for a constant value), its number of ticks and, for a function of time, its phase and
 * duration.
 */
export class BlockMemo<R> {
  private constructor(
    private readonly inputs: Inputs,
    private readonly timeDependent: boolean,
    private readonly ticks: number,
    private readonly phase: number,
    private readonly duration: number,
    /** The result. */
    readonly result: R,
  ) {}

  /**
   * Memory of `result`, computed for `expression` (undefined for a constant block value) with
   * `parameters` at `timing`; undefined when the result is too large to keep. `previous` is the
   * block's last memory, whose lists of names and types are reused.
   */
  static of<R>(
    expression: Expression | undefined,
    parameters: Parameters,
    timing: BlockTicks,
    result: R,
    previous?: BlockMemo<unknown>,
  ): BlockMemo<R> | undefined {
    const timeDependent = expression?.isTimeDependent ?? false;
    if (timeDependent && timing.ticks > MAX_MEMO_TICKS) return undefined;
    const last = previous?.inputs;
    const inputs =
      expression === undefined
        ? NO_INPUTS
        : new ExpressionInputs(
            expression,
            parameters,
            last instanceof ExpressionInputs ? last : undefined,
          );
    return new BlockMemo(
      inputs,
      timeDependent,
      timing.ticks,
      timing.phase,
      timing.duration,
      result,
    );
  }

  /** True if the parameters read have the same types and SI values as when it was computed. */
  sameParameters(parameters: Parameters): boolean {
    return this.inputs.same(parameters);
  }

  /** True if the result holds at this timing (phase and duration matter only for functions of t). */
  sameTiming(timing: BlockTicks): boolean {
    return (
      timing.ticks === this.ticks &&
      (!this.timeDependent || (timing.phase === this.phase && timing.duration === this.duration))
    );
  }

  /** The memory of another result for the same parameters, at another number of ticks. */
  retimed<S>(timing: BlockTicks, result: S): BlockMemo<S> {
    return new BlockMemo(
      this.inputs,
      this.timeDependent,
      timing.ticks,
      timing.phase,
      timing.duration,
      result,
    );
  }
}

/** One memo slot per block of a lane, for one time step. */
export type LaneMemo = (BlockMemo<unknown> | undefined)[];

const memos = new WeakMap<TimeLane, Map<number, LaneMemo>>();

/** The memo of a lane's blocks at a time step (created empty; lanes are immutable). */
export function laneMemo(lane: TimeLane, timeStep: number): LaneMemo {
  let byStep = memos.get(lane);
  if (byStep === undefined) {
    byStep = new Map();
    memos.set(lane, byStep);
  }
  let memo = byStep.get(timeStep);
  if (memo === undefined) {
    if (byStep.size >= MAX_TIME_STEPS) byStep.clear();
    memo = new Array<BlockMemo<unknown> | undefined>(lane.blocks.length).fill(undefined);
    byStep.set(timeStep, memo);
  }
  return memo;
}
