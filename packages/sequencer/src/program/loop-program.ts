import { type TimedInstruction, asNode } from '@shotline/core';
import { SequencerProgramError } from '../sequencer-errors.js';

/** Opcodes of an instruction-table sequencer (the PulseBlaster's, by name). */
export type ProgramOpcode = 'continue' | 'loop' | 'endLoop' | 'longDelay' | 'stop';

/**
 * One instruction of a sequencer program: hold the output values of tick `source` of the compiled
 * sequence for `ticks` ticks (`ticks * data` for a long delay).
 * - `continue`: then go on;
 * - `loop`: first instruction of a loop body, played `data` times;
 * - `endLoop`: last instruction of the body; `data` is the address of its `loop` instruction;
 * - `longDelay`: lasts `ticks * data` ticks (`data >= 2`);
 * - `stop`: the end; the outputs keep its values.
 */
export interface ProgramInstruction {
  readonly opcode: ProgramOpcode;
  /** Tick of the compiled sequence whose values this instruction outputs. */
  readonly source: number;
  /** Duration in ticks (per repetition for a long delay). */
  readonly ticks: number;
  readonly data: number;
}

/** What an instruction-table sequencer can hold; programs beyond it are errors. */
export interface ProgramLimits {
  /** Model name for messages. */
  readonly model: string;
  /** Longest single instruction, in ticks (e.g. 2^32 - 1 clock cycles / cycles per tick). */
  readonly maxTicksPerInstruction: number;
  /** Longest loop count (e.g. 2^20 - 1). */
  readonly maxLoopCount: number;
  /** Deepest loop nesting, if limited. */
  readonly maxLoopDepth?: number;
  /** Largest long-delay multiplier, or undefined if the device has no long delay (long runs split). */
  readonly maxLongDelayMultiplier?: number;
  /** Instruction memory, the final stop included. */
  readonly maxInstructions: number;
  /** True if a ramp may be played as one instruction per tick; false makes ramps an error. */
  readonly unrollRamps: boolean;
}

/** A run of equal values, or a loop of such items. */
type ProgramItem =
  | { readonly kind: 'run'; readonly source: number; ticks: number }
  | { readonly kind: 'loop'; readonly count: number; readonly body: readonly ProgramItem[] };

/**
 * Translates a compiled sequence into an instruction table: runs of equal values become one
 * instruction (split, or a long delay, beyond the longest instruction), a Repeated block becomes a
 * LOOP ... END_LOOP pair (its first and last repetitions unrolled when the body starts or ends with
 * another loop, so each of these instructions is a plain one), and a final STOP holds the last
 * values. Checked against `limits` as it goes.
 * @throws SequencerProgramError naming the limit (memory, loop count, ramps).
 */
export function compileLoopProgram(
  sequence: TimedInstruction,
  limits: ProgramLimits,
): ProgramInstruction[] {
  const items: ProgramItem[] = [];
  collect(sequence, 0, items, sequence, limits);
  const out: ProgramInstruction[] = [];
  const emitter = new Emitter(out, limits);
  emitter.items(items, 0);
  emitter.push({
    opcode: 'stop',
    source: Math.max(0, sequence.length - 1),
    ticks: 1,
    data: 0,
  });
  return out;
}

function rowsEqual(x: TimedInstruction, a: number, b: number): boolean {
  for (let f = 0; f < x.width; f++) if (x.numberAt(a, f) !== x.numberAt(b, f)) return false;
  return true;
}

function pushRun(out: ProgramItem[], root: TimedInstruction, source: number, ticks: number): void {
  const last = out[out.length - 1];
  if (last !== undefined && last.kind === 'run' && rowsEqual(root, last.source, source)) {
    last.ticks += ticks;
  } else {
    out.push({ kind: 'run', source, ticks });
  }
}

function collect(
  x: TimedInstruction,
  offset: number,
  out: ProgramItem[],
  root: TimedInstruction,
  limits: ProgramLimits,
): void {
  const node = asNode(x);
  switch (node.kind) {
    case 'pattern': {
      const columns = node.columns;
      const at = node.offset;
      let start = 0;
      for (let i = 1; i <= node.length; i++) {
        let same = i < node.length;
        for (let f = 0; same && f < columns.length; f++) {
          if (columns[f]![at + i] !== columns[f]![at + start]) same = false;
        }
        if (!same) {
          pushRun(out, root, offset + start, i - start);
          start = i;
        }
      }
      return;
    }
    case 'ramp': {
      let constant = true;
      for (let f = 0; f < node.width; f++) if (node.slope(f) !== 0) constant = false;
      if (constant) {
        pushRun(out, root, offset, node.length);
        return;
      }
      if (!limits.unrollRamps) {
        throw new SequencerProgramError(
          `the ${limits.model} cannot play ramps (${node.toString()} at tick ${offset})`,
        );
      }
      for (let i = 0; i < node.length; i++) out.push({ kind: 'run', source: offset + i, ticks: 1 });
      return;
    }
    case 'concatenated':
      for (let k = 0; k < node.instructions.length; k++) {
        collect(node.instructions[k]!, offset + node.offsets[k]!, out, root, limits);
      }
      return;
    case 'repeated': {
      const body: ProgramItem[] = [];
      collect(node.instruction, offset, body, root, limits);
      const only = body[0];
      if (body.length === 1 && only!.kind === 'run') {
        pushRun(out, root, only.source, only.ticks * node.repetitions);
      } else {
        out.push({ kind: 'loop', count: node.repetitions, body });
      }
      return;
    }
  }
}

/** A loop's body starting and ending with a run: loops at either end are unrolled once. */
function withRunsAtEnds(body: readonly ProgramItem[]): ProgramItem[] {
  let items = [...body];
  const rest = (loop: Extract<ProgramItem, { kind: 'loop' }>): ProgramItem[] =>
    loop.count - 1 >= 2
      ? [{ kind: 'loop', count: loop.count - 1, body: loop.body }]
      : [...loop.body];
  for (let first = items[0]; first?.kind === 'loop'; first = items[0]) {
    items = [...first.body, ...rest(first), ...items.slice(1)];
  }
  for (let last = items[items.length - 1]; last?.kind === 'loop'; last = items[items.length - 1]) {
    items = [...items.slice(0, -1), ...rest(last), ...last.body];
  }
  return items.map((item) => (item.kind === 'run' ? { ...item } : item));
}

class Emitter {
  constructor(
    private readonly out: ProgramInstruction[],
    private readonly limits: ProgramLimits,
  ) {}

  push(instruction: ProgramInstruction): void {
    if (this.out.length >= this.limits.maxInstructions) {
      throw new SequencerProgramError(
        `the program needs more than the ${this.limits.maxInstructions} instructions the ${this.limits.model} can hold: ` +
          `use fewer explicit values (fewer steps or expression blocks, or a longer time step)`,
      );
    }
    this.out.push(instruction);
  }

  items(items: readonly ProgramItem[], depth: number): void {
    for (const item of items) {
      if (item.kind === 'run') this.run(item.source, item.ticks);
      else this.loop(item.count, item.body, depth + 1);
    }
  }

  run(source: number, ticks: number): void {
    const max = this.limits.maxTicksPerInstruction;
    if (ticks <= max) {
      this.push({ opcode: 'continue', source, ticks, data: 0 });
      return;
    }
    const multiplier = this.limits.maxLongDelayMultiplier;
    const q = Math.floor(ticks / max);
    const r = ticks - q * max;
    if (multiplier !== undefined && q >= 2) {
      if (q > multiplier) {
        throw new SequencerProgramError(
          `a constant block of ${ticks} ticks needs a long delay of ${q} x ${max} ticks, over the ${this.limits.model} limit of ${multiplier}`,
        );
      }
      this.push({ opcode: 'longDelay', source, ticks: max, data: q });
    } else {
      for (let k = 0; k < q; k++) this.push({ opcode: 'continue', source, ticks: max, data: 0 });
    }
    if (r > 0) this.push({ opcode: 'continue', source, ticks: r, data: 0 });
  }

  loop(count: number, body: readonly ProgramItem[], depth: number): void {
    const { limits } = this;
    if (count > limits.maxLoopCount) {
      throw new SequencerProgramError(
        `a block repeated ${count} times needs a loop count over the ${limits.model} limit of ${limits.maxLoopCount}`,
      );
    }
    if (limits.maxLoopDepth !== undefined && depth > limits.maxLoopDepth) {
      throw new SequencerProgramError(
        `the program nests ${depth} loops, more than the ${limits.maxLoopDepth} the ${limits.model} allows`,
      );
    }
    const items = withRunsAtEnds(body);
    const only = items[0];
    if (items.length === 1 && only!.kind === 'run') {
      this.run(only.source, only.ticks * count);
      return;
    }
    const first = items[0] as Extract<ProgramItem, { kind: 'run' }>;
    const last = items[items.length - 1] as Extract<ProgramItem, { kind: 'run' }>;
    // The LOOP and END_LOOP instructions must be plain instructions of at most the longest length:
    // peel one tick off runs that are longer.
    const address = this.out.length;
    if (first.ticks > limits.maxTicksPerInstruction) {
      this.push({ opcode: 'continue', source: first.source, ticks: 1, data: 0 });
      first.ticks -= 1;
    }
    let tail: ProgramInstruction | undefined;
    if (last.ticks > limits.maxTicksPerInstruction) {
      last.ticks -= 1;
      tail = { opcode: 'continue', source: last.source, ticks: 1, data: 0 };
    }
    this.items(items, depth);
    if (tail !== undefined) this.push(tail);
    const end = this.out.length - 1;
    this.out[address] = { ...this.out[address]!, opcode: 'loop', data: count };
    this.out[end] = { ...this.out[end]!, opcode: 'endLoop', data: address };
  }
}

/** A run of the played output: the values of tick `source` for `ticks` ticks. */
export interface PlayedRun {
  readonly source: number;
  readonly ticks: number;
}

/**
 * Plays a program the way the hardware does (LOOP pushes a counter the first time it is reached,
 * END_LOOP counts down and jumps back to its LOOP address, a long delay lasts `ticks * data`), calling
 * `onRun` for every instruction played, until STOP. Used by the simulated sequencer and by tests
 * that check a program reproduces its instruction.
 * @throws SequencerProgramError for a malformed program (END_LOOP without LOOP, no STOP...), or
 * more than `maxSteps` instructions played.
 */
export function playProgram(
  program: readonly ProgramInstruction[],
  onRun: (run: PlayedRun) => void,
  maxSteps = 1 << 26,
): void {
  const stack: { address: number; remaining: number }[] = [];
  let pc = 0;
  let steps = 0;
  while (true) {
    const instruction = program[pc];
    if (instruction === undefined) {
      throw new SequencerProgramError(`the program runs past its end at address ${pc} (no STOP)`);
    }
    if (++steps > maxSteps) {
      throw new SequencerProgramError(`the program plays more than ${maxSteps} instructions`);
    }
    switch (instruction.opcode) {
      case 'stop':
        return;
      case 'loop':
        if (stack[stack.length - 1]?.address !== pc) {
          stack.push({ address: pc, remaining: instruction.data });
        }
        onRun({ source: instruction.source, ticks: instruction.ticks });
        pc++;
        break;
      case 'endLoop': {
        onRun({ source: instruction.source, ticks: instruction.ticks });
        const top = stack[stack.length - 1];
        if (top === undefined || top.address !== instruction.data) {
          throw new SequencerProgramError(
            `END_LOOP at address ${pc} closes the loop at ${instruction.data}, which is not open`,
          );
        }
        top.remaining--;
        if (top.remaining > 0) {
          pc = top.address;
        } else {
          stack.pop();
          pc++;
        }
        break;
      }
      case 'longDelay':
        onRun({ source: instruction.source, ticks: instruction.ticks * instruction.data });
        pc++;
        break;
      case 'continue':
        onRun({ source: instruction.source, ticks: instruction.ticks });
        pc++;
        break;
    }
  }
}
