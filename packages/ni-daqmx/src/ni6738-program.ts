import { type TimedInstruction, asNode } from '@shotline/core';
import {
  type SequencerTrigger,
  SequencerProgramError,
  channelLabel,
  channelName,
  clockSamples,
} from '@shotline/sequencer';
import { NI6738_MODEL, NI6738_VOLTAGE_RANGE } from './ni6738-configuration.js';

/**
 * How the card advances: one sample per tick of the time step (`externalClock`), or one sample per
 * *change*: every tick of a pattern or ramp, one sample for a whole constant block
 * (`externalClockOnChange`, the master only clocks the card when its outputs change).
 */
export type Ni6738Clocking = 'everyTick' | 'onChange';

/** The clocking of a trigger (the configuration schema allows only external clocks). */
export function ni6738Clocking(trigger: SequencerTrigger): Ni6738Clocking {
  return trigger.type === 'externalClockOnChange' ? 'onChange' : 'everyTick';
}

/**
 * What the NI 6738 generates in one shot: the buffer of a finite generation, exactly as
 * `DAQmxWriteAnalogF64` takes it (`DAQmx_Val_GroupByChannel`: the samples of `ao0`, then of
 * `ao1`...), in volts. Typed arrays, so it crosses threads cheaply.
 */
export interface Ni6738Program {
  /** Number of channels in the buffer. */
  readonly channels: number;
  /** Samples per channel: the number of clock edges the card needs. */
  readonly samplesPerChannel: number;
  /** `channels * samplesPerChannel` values, channel after channel. */
  readonly samples: Float64Array;
  /** How long the shot plays, in picoseconds (its ticks times the time step). */
  readonly durationPs: number;
}

/** Most values one shot's buffer may hold (2 GiB of float64). */
export const NI6738_MAX_BUFFER_VALUES = 2 ** 28;

/** Samples per channel the card plays for `sequence` with this clocking. */
export function ni6738SampleCount(sequence: TimedInstruction, clocking: Ni6738Clocking): number {
  if (clocking === 'everyTick') return sequence.length;
  const node = asNode(sequence);
  switch (node.kind) {
    case 'pattern':
    case 'ramp':
      return node.length;
    case 'repeated':
      return node.instruction.length === 1
        ? 1
        : node.repetitions * ni6738SampleCount(node.instruction, clocking);
    case 'concatenated':
      return node.instructions.reduce((sum, child) => sum + ni6738SampleCount(child, clocking), 0);
  }
}

/** Writes the samples of an instruction tree into a GroupByChannel buffer. */
class BufferWriter {
  /** Next sample to write. */
  position = 0;

  constructor(
    private readonly out: Float64Array,
    private readonly samplesPerChannel: number,
    private readonly width: number,
    private readonly clocking: Ni6738Clocking,
  ) {}

  write(instruction: TimedInstruction): void {
    const node = asNode(instruction);
    const { out, samplesPerChannel: n, width } = this;
    switch (node.kind) {
      case 'pattern':
        for (let f = 0; f < width; f++) out.set(node.column(f), f * n + this.position);
        this.position += node.length;
        return;
      case 'ramp':
        for (let f = 0; f < width; f++) {
          const base = f * n + this.position;
          // start + i * slope is exactly Ramp.numberAt(i, f), hoisted out of the loop
          const start = node.start(f);
          const slope = node.slope(f);
          for (let i = 0; i < node.length; i++) out[base + i] = start + i * slope;
        }
        this.position += node.length;
        return;
      case 'repeated': {
        const inner = node.instruction;
        if (inner.length === 1) {
          const count = this.clocking === 'onChange' ? 1 : node.repetitions;
          for (let f = 0; f < width; f++) {
            const base = f * n + this.position;
            out.fill(inner.numberAt(0, f), base, base + count);
          }
          this.position += count;
          return;
        }
        const start = this.position;
        this.write(inner);
        this.replicate(start, this.position - start, node.repetitions);
        return;
      }
      case 'concatenated':
        for (const child of node.instructions) this.write(child);
        return;
    }
  }

  /** Repeats the `block` samples written from `start`, `repetitions` times in all (doubling). */
  private replicate(start: number, block: number, repetitions: number): void {
    const total = block * repetitions;
    const { out, samplesPerChannel: n, width } = this;
    for (let f = 0; f < width; f++) {
      const base = f * n + start;
      let filled = block;
      while (filled < total) {
        const chunk = Math.min(filled, total - filled);
        out.copyWithin(base + filled, base, base + chunk);
        filled += chunk;
      }
    }
    this.position = start + total;
  }
}

/** The tick where sample `index` starts (for messages). */
function tickOfSample(sequence: TimedInstruction, clocking: Ni6738Clocking, index: number): number {
  if (clocking === 'everyTick') return index;
  let k = 0;
  for (const sample of clockSamples(sequence)) {
    if (k++ === index) return sample.start;
  }
  return sequence.length;
}

/** `2500000` ps as `2.5 µs` (times in messages). */
function formatMicroseconds(ps: number): string {
  return `${Number((ps / 1e6).toPrecision(12))} µs`;
}

/**
 * The NI 6738 buffer of a compiled shot: every channel flattened to the samples the card plays
 * (ramps sampled at the card's rate, a constant block one sample when clocked on change), each
 * value checked finite and within ±10 V.
 *
 * @param sequence the compiled instruction (fields `ch 0` .. `ch 31`, volts)
 * @param timeStep the card's time step in picoseconds
 * @param channels the channel configurations, to name a channel in errors
 * @throws SequencerProgramError naming the channel, the value, the time and the limit for a value
 * that is not finite or outside ±10 V, or for a buffer too large to allocate.
 */
export function compileNi6738Program(
  sequence: TimedInstruction,
  timeStep: number,
  clocking: Ni6738Clocking,
  channels: readonly { readonly description: string }[],
): Ni6738Program {
  const width = sequence.width;
  const n = ni6738SampleCount(sequence, clocking);
  if (n * width > NI6738_MAX_BUFFER_VALUES || n > 2 ** 31 - 1) {
    throw new SequencerProgramError(
      `the shot needs ${n} samples per channel (${((n * width * 8) / 2 ** 30).toFixed(1)} GiB for ` +
        `${width} channels), more than the ${NI6738_MAX_BUFFER_VALUES / width} the ${NI6738_MODEL} ` +
        `driver buffers: clock the card on change (trigger externalClockOnChange) or use a longer ` +
        `time step`,
    );
  }
  const samples = new Float64Array(n * width);
  const writer = new BufferWriter(samples, n, width, clocking);
  if (sequence.length > 0) writer.write(sequence);
  const [lo, hi] = NI6738_VOLTAGE_RANGE;
  for (let f = 0; f < width; f++) {
    const base = f * n;
    for (let k = 0; k < n; k++) {
      const value = samples[base + k]!;
      if (value >= lo && value <= hi) continue;
      const channel = channels[f] ?? { description: '' };
      const tick = tickOfSample(sequence, clocking, k);
      throw new SequencerProgramError(
        `${channelLabel(f, channel)} would output ${value} V at ${formatMicroseconds(tick * timeStep)} ` +
          `(sample ${k}): ` +
          (Number.isFinite(value)
            ? `outside the ${NI6738_MODEL} range [${lo} V, ${hi} V]`
            : `not a finite voltage`),
        { location: { channel: channelName(f, channel) } },
      );
    }
  }
  return { channels: width, samplesPerChannel: n, samples, durationPs: sequence.length * timeStep };
}
