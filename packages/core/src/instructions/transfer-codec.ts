import { z } from 'zod';
import {
  type InstructionArray,
  INSTRUCTION_DTYPES,
  allocateTyped,
  isFloatDType,
  isRepresentable,
  matchesDType,
} from './dtype.js';
import { Concatenated } from './concatenated.js';
import { InstructionDecodeError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { asNode } from './instruction-node.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import { Repeated } from './repeated.js';
import type { TimedInstruction } from './timed-instruction.js';

const FORMAT = 'shotline.instruction/1';
const PATTERN = 0;
const CONCATENATED = 1;
const REPEATED = 2;
const RAMP = 3;
const RECORD = 4;

const typedArraySchema = z.custom<InstructionArray>(
  (value) => ArrayBuffer.isView(value) && !(value instanceof DataView),
  { message: 'expected a typed array' },
);

/**
 * Zod schema of {@link TransferableInstruction}: what `decodeInstruction` accepts (the tree's
 * invariants are checked while decoding).
 */
export const transferableInstructionSchema = z.object({
  format: z.literal(FORMAT),
  structured: z.boolean(),
  fields: z
    .array(
      z.object({ name: z.string(), dtype: z.enum(INSTRUCTION_DTYPES as [string, ...string[]]) }),
    )
    .min(1),
  nodes: z.instanceof(Float64Array),
  children: z.instanceof(Uint32Array),
  columns: z.array(typedArraySchema),
  bounds: z.instanceof(Float64Array),
});

/**
 * An instruction as plain data for `postMessage`: a node table (4 numbers per node, children before
 * parents, the root last; shared subtrees once), the explicit values of all patterns packed into one
 * typed array per channel, and the ramp ends. Every array is freshly allocated by
 * {@link encodeInstruction}, so it can be transferred without copying.
 */
export type TransferableInstruction = z.infer<typeof transferableInstructionSchema>;

/** What {@link encodeInstruction} returns: the message, and the buffers to pass as transfer list. */
export interface EncodedInstruction {
  readonly message: TransferableInstruction;
  readonly transfer: ArrayBuffer[];
}

/**
 * Encodes an instruction to cross a worker-thread boundary:
 * `port.postMessage(message, transfer)` on one side, `decodeInstruction(message)` on the other.
 * Pattern values are copied once into new buffers; the instruction itself stays usable.
 */
export function encodeInstruction(instruction: TimedInstruction): EncodedInstruction {
  const order: TimedInstruction[] = [];
  const index = new Map<TimedInstruction, number>();
  let values = 0;
  let ramps = 0;
  let childCount = 0;
  const visit = (x: TimedInstruction): void => {
    if (index.has(x)) return;
    const node = asNode(x);
    switch (node.kind) {
      case 'pattern':
        values += node.length;
        break;
      case 'ramp':
        ramps++;
        break;
      case 'repeated':
        visit(node.instruction);
        break;
      case 'concatenated':
        for (const child of node.instructions) visit(child);
        childCount += node.instructions.length;
        break;
    }
    index.set(x, order.length);
    order.push(x);
  };
  visit(instruction);

  const layout = instruction.layout;
  const width = layout.width;
  const nodes = new Float64Array(order.length * RECORD);
  const children = new Uint32Array(childCount);
  const columns = layout.fields.map((f) => allocateTyped(f.dtype, values));
  const bounds = new Float64Array(ramps * 2 * width);
  let valueAt = 0;
  let rampAt = 0;
  let childAt = 0;
  order.forEach((x, i) => {
    const node = asNode(x);
    const record = i * RECORD;
    switch (node.kind) {
      case 'pattern':
        nodes.set([PATTERN, node.length, valueAt], record);
        for (let f = 0; f < width; f++) {
          columns[f]!.set(
            node.columns[f]!.subarray(node.offset, node.offset + node.length),
            valueAt,
          );
        }
        valueAt += node.length;
        break;
      case 'ramp':
        nodes.set([RAMP, node.length, rampAt], record);
        for (let f = 0; f < width; f++) {
          bounds[rampAt + f] = node.start(f);
          bounds[rampAt + width + f] = node.stop(f);
        }
        rampAt += 2 * width;
        break;
      case 'repeated':
        nodes.set([REPEATED, node.repetitions, index.get(node.instruction)!], record);
        break;
      case 'concatenated':
        nodes.set([CONCATENATED, node.instructions.length, childAt], record);
        for (const child of node.instructions) children[childAt++] = index.get(child)!;
        break;
    }
  });
  const message: TransferableInstruction = {
    format: FORMAT,
    structured: layout.structured,
    fields: layout.fields.map((f) => ({ name: f.name, dtype: f.dtype })),
    nodes,
    children,
    columns,
    bounds,
  };
  const transfer = [nodes.buffer, children.buffer, bounds.buffer, ...columns.map((c) => c.buffer)];
  return { message, transfer: transfer as ArrayBuffer[] };
}

/**
 * Rebuilds an instruction from {@link encodeInstruction}'s message, checking every invariant;
 * patterns are windows on the received arrays (no copy).
 * @throws InstructionDecodeError naming what is malformed.
 */
export function decodeInstruction(data: unknown): TimedInstruction {
  const parsed = transferableInstructionSchema.safeParse(data);
  if (!parsed.success) {
    throw new InstructionDecodeError(`not a transferable instruction: ${parsed.error.message}`);
  }
  const message = parsed.data;
  try {
    return decodeChecked(message);
  } catch (error) {
    if (error instanceof InstructionDecodeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InstructionDecodeError(`malformed transferable instruction: ${reason}`, {
      cause: error,
    });
  }
}

function decodeChecked(message: TransferableInstruction): TimedInstruction {
  const fields = message.fields.map((f) => ({
    name: f.name,
    dtype: f.dtype as (typeof INSTRUCTION_DTYPES)[number],
  }));
  if (!message.structured && fields.length !== 1)
    fail('a scalar instruction has exactly one field');
  const layout = message.structured
    ? InstructionLayout.structured(fields)
    : InstructionLayout.scalar(fields[0]!.dtype);
  const width = layout.width;
  const { nodes, children, columns, bounds } = message;
  if (columns.length !== width) fail(`expected ${width} columns, got ${columns.length}`);
  columns.forEach((column, f) => {
    const dtype = layout.fields[f]!.dtype;
    if (!matchesDType(column, dtype)) fail(`column ${f} is not stored as ${dtype}`);
    if (isFloatDType(dtype)) {
      for (let i = 0; i < column.length; i++) {
        if (!Number.isFinite(column[i])) fail(`column ${f} holds a non-finite value`);
      }
    } else if (dtype === 'bool') {
      for (let i = 0; i < column.length; i++)
        if (column[i]! > 1) fail(`bool column ${f} holds ${column[i]}`);
    }
  });
  const count = nodes.length / RECORD;
  if (!Number.isInteger(count) || count === 0) fail('the node table is empty or truncated');
  const decoded: TimedInstruction[] = [];
  for (let i = 0; i < count; i++) {
    const kind = nodes[i * RECORD]!;
    const a = nodes[i * RECORD + 1]!;
    const b = nodes[i * RECORD + 2]!;
    const child = (k: number): TimedInstruction => {
      if (!Number.isInteger(k) || k < 0 || k >= i) fail(`node ${i} refers to node ${k}`);
      return decoded[k]!;
    };
    switch (kind) {
      case PATTERN: {
        const valuesLength = width > 0 ? columns[0]!.length : 0;
        if (!isIndex(a) || !isIndex(b) || b + a > valuesLength)
          fail(`pattern node ${i} is out of bounds`);
        decoded.push(new Pattern(layout, columns, b, a));
        break;
      }
      case RAMP: {
        if (!isIndex(a) || a < 1 || !isIndex(b) || b + 2 * width > bounds.length) {
          fail(`ramp node ${i} is out of bounds`);
        }
        layout.fields.forEach((field, f) => {
          const start = bounds[b + f]!;
          const stop = bounds[b + width + f]!;
          if (!Number.isFinite(start) || !Number.isFinite(stop))
            fail(`ramp node ${i} has a non-finite end`);
          if (
            !isFloatDType(field.dtype) &&
            (start !== stop || !isRepresentable(start, field.dtype))
          ) {
            fail(`ramp node ${i} varies in ${field.dtype} channel ${f}`);
          }
        });
        decoded.push(new Ramp(layout, bounds, b, b + width, a));
        break;
      }
      case REPEATED:
        decoded.push(new Repeated(a, child(b)));
        break;
      case CONCATENATED: {
        if (!isIndex(a) || !isIndex(b) || b + a > children.length)
          fail(`concatenated node ${i} is out of bounds`);
        const list: TimedInstruction[] = [];
        for (let j = 0; j < a; j++) list.push(child(children[b + j]!));
        decoded.push(new Concatenated(list));
        break;
      }
      default:
        fail(`node ${i} has unknown kind ${kind}`);
    }
  }
  const root = decoded[count - 1]!;
  if (root.length === 0 && count !== 1) fail('an empty root pattern must be the only node');
  return root;
}

function isIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function fail(reason: string): never {
  throw new InstructionDecodeError(`malformed transferable instruction: ${reason}`);
}
