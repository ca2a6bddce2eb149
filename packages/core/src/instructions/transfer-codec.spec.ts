import fc from 'fast-check';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { concatenate } from './concatenate.js';
import { InstructionDecodeError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { createRamp } from './ramp.js';
import { repeat } from './repeat.js';
import { mergeInstructions } from './stack.js';
import type { TimedInstruction } from './timed-instruction.js';
import { decodeInstruction, encodeInstruction } from './transfer-codec.js';
import {
  instructionArbitrary,
  sameLengthArbitrary,
} from './instruction-arbitraries.test-helper.js';

/** Sends an encoded instruction through a real MessageChannel (structured clone + transfer). */
async function throughChannel(x: TimedInstruction): Promise<TimedInstruction> {
  const { port1, port2 } = new MessageChannel();
  try {
    const received = new Promise<unknown>((resolve) => {
      (port2 as MessagePort).once('message', resolve);
    });
    const { message, transfer } = encodeInstruction(x);
    port1.postMessage(message, transfer);
    return decodeInstruction(await received);
  } finally {
    port1.close();
    port2.close();
  }
}

describe('encodeInstruction / decodeInstruction', () => {
  it('round-trips a structured instruction through a MessageChannel with transferred buffers', async () => {
    const x = mergeInstructions({
      'ch 0': concatenate(repeat(Pattern.of([true]), 10), Pattern.of([false, true])),
      'ch 1': concatenate(createRamp(0, 1, 6), repeat(Pattern.of([0.5, 0.25]), 3)),
    });
    const { message, transfer } = encodeInstruction(x);
    expect(transfer.every((b) => b instanceof ArrayBuffer)).toBe(true);
    expect(message.nodes).toBeInstanceOf(Float64Array);
    const y = await throughChannel(x);
    expect(y.equals(x)).toBe(true);
    // The sender's instruction is still usable: the encoder copied what it transferred.
    expect(x.at(11, 'ch 0')).toBe(true);
  });

  it('keeps a shared child once', () => {
    const pulse = concatenate(repeat(Pattern.of([true]), 3), Pattern.of([false, false]));
    const x = concatenate(repeat(pulse, 1000), pulse, repeat(pulse, 7));
    const { message } = encodeInstruction(x);
    expect(message.columns[0]!.length).toBe(3);
    expect(decodeInstruction(message).equals(x)).toBe(true);
  });

  it('round-trips any instruction (property)', async () => {
    await fc.assert(
      fc.asyncProperty(instructionArbitrary(), async (x) => {
        expect((await throughChannel(x)).equals(x)).toBe(true);
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(sameLengthArbitrary(['bool', 'float64', 'uint16']), ([a, b, c]) => {
        const x = mergeInstructions({ a: a!, b: b!, c: c! });
        expect(decodeInstruction(encodeInstruction(x).message).equals(x)).toBe(true);
      }),
    );
  });

  it('refuses malformed messages with a decode error', () => {
    const { message } = encodeInstruction(concatenate(Pattern.of([1]), repeat(Pattern.of([2]), 3)));
    expect(() => decodeInstruction({ ...message, format: 'other' })).toThrow(
      InstructionDecodeError,
    );
    expect(() => decodeInstruction(null)).toThrow(InstructionDecodeError);
    const badChild = { ...message, nodes: Float64Array.from(message.nodes) };
    badChild.nodes[badChild.nodes.length - 2] = 99;
    expect(() => decodeInstruction(badChild)).toThrow(/malformed/);
    const nonFinite = { ...message, columns: [Float64Array.of(1, Number.NaN)] };
    expect(() => decodeInstruction(nonFinite)).toThrow(/non-finite/);
    const wrongType = { ...message, columns: [Int32Array.of(1, 2)] };
    expect(() => decodeInstruction(wrongType)).toThrow(/not stored as float64/);
  });
});
