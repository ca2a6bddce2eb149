import { type TimedInstruction, InstructionTooLargeError, changeTable } from '@shotline/core';
import { SequencerProgramError } from '../sequencer-errors.js';

/** Bytes of one pulse on the wire: `>IBhh` (duration ns u32, digital mask u8, ao0 i16, ao1 i16). */
export const PULSE_BYTES = 9;

/** Longest duration of one pulse, in ns (a u32). */
export const MAX_PULSE_DURATION = 0xffffffff;

/** One pulse of a Pulse Streamer sequence. */
export interface Pulse {
  /** Nanoseconds. */
  readonly duration: number;
  /** Digital outputs, bit i for channel i. */
  readonly digital: number;
  /** Analog outputs, ±0x7fff for ±1 V. */
  readonly ao0: number;
  readonly ao1: number;
}

/** A compiled Pulse Streamer sequence: the packed pulses and the final state. */
export interface PulseList {
  /** `count * 9` bytes, big-endian `>IBhh` per pulse. */
  readonly bytes: Uint8Array;
  readonly count: number;
  /** Digital outputs after the sequence (those high at its last tick). */
  readonly finalDigital: number;
  /** Total duration in ns. */
  readonly durationNs: number;
}

/**
 * The pulses of a compiled sequence at 1 ns per tick: one pulse per change of any channel (repeats
 * of constants collapse, but repeated blocks are written out: the instrument has no loops), split
 * into pieces of at most 2^32 - 1 ns.
 * @throws SequencerProgramError when it needs more than `maxPulses` pulses.
 */
export function compilePulseList(sequence: TimedInstruction, maxPulses: number): PulseList {
  let table: ReturnType<typeof changeTable>;
  try {
    table = changeTable(sequence, { maxEntries: maxPulses + 1 });
  } catch (e) {
    if (e instanceof InstructionTooLargeError) {
      throw new SequencerProgramError(
        `the sequence changes its outputs more than ${maxPulses} times, the Pulse Streamer's limit`,
        { cause: e },
      );
    }
    throw e;
  }
  const entries = table.times.length - 1;
  let count = 0;
  for (let i = 0; i < entries; i++) {
    count += Math.ceil((table.times[i + 1]! - table.times[i]!) / MAX_PULSE_DURATION);
  }
  if (count > maxPulses) {
    throw new SequencerProgramError(
      `the sequence needs ${count} pulses, more than the Pulse Streamer's limit of ${maxPulses}`,
    );
  }
  const bytes = new Uint8Array(count * PULSE_BYTES);
  const view = new DataView(bytes.buffer);
  const maskAt = (i: number): number =>
    table.columns.reduce((mask, column, f) => mask | ((column[i]! !== 0 ? 1 : 0) << f), 0);
  let at = 0;
  for (let i = 0; i < entries; i++) {
    const mask = maskAt(i);
    let remaining = table.times[i + 1]! - table.times[i]!;
    while (remaining > 0) {
      const duration = Math.min(remaining, MAX_PULSE_DURATION);
      view.setUint32(at, duration);
      view.setUint8(at + 4, mask);
      view.setInt16(at + 5, 0);
      view.setInt16(at + 7, 0);
      at += PULSE_BYTES;
      remaining -= duration;
    }
  }
  return {
    bytes,
    count,
    finalDigital: entries > 0 ? maskAt(entries) : 0,
    durationNs: sequence.length,
  };
}

/** Packed pulses as the base64 text the `stream` call takes. */
export function encodePulses(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The pulses of a base64 sequence, as the instrument reads them.
 * @throws RangeError if the data is not whole pulses.
 */
export function decodePulses(base64: string): Pulse[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % PULSE_BYTES !== 0) {
    throw new RangeError(`a sequence of ${bytes.length} bytes is not whole 9-byte pulses`);
  }
  const pulses: Pulse[] = [];
  for (let at = 0; at < bytes.length; at += PULSE_BYTES) {
    pulses.push({
      duration: bytes.readUInt32BE(at),
      digital: bytes.readUInt8(at + 4),
      ao0: bytes.readInt16BE(at + 5),
      ao1: bytes.readInt16BE(at + 7),
    });
  }
  return pulses;
}
