import { NDArray, isNDArray } from '../../data/index.js';
import { InvalidValueError } from '../../errors/index.js';
import {
  TimedInstruction,
  decodeInstruction,
  encodeInstruction,
} from '../../instructions/index.js';
import { Parameters } from '../../parameters/index.js';
import { Quantity } from '../../units/index.js';

/**
 * Marks an encoded core object inside a structured-cloned value. Plain objects that happen to have
 * this key are wrapped, so user data can never be mistaken for a marker.
 */
const TAG = '__shotline';

type Encoded =
  | { [TAG]: 'ndarray'; dtype: string; shape: number[]; data: ArrayBufferView }
  | { [TAG]: 'quantity'; magnitude: number; unit: string }
  | { [TAG]: 'parameters'; typed: unknown }
  | { [TAG]: 'instruction'; message: unknown }
  | { [TAG]: 'object'; value: Record<string, unknown> };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: object): string {
  return (value.constructor as { name?: string } | undefined)?.name ?? 'object';
}

/**
 * Encodes a compiler's output so it crosses a worker-thread boundary intact: core types (NDArray,
 * Quantity, Parameters, TimedInstruction) become tagged plain objects, everything structured clone
 * keeps as is (typed arrays, Map, Set, Date, plain objects and arrays) stays. Any other class
 * instance or a function is an error naming where it is (its methods would be lost silently
 * otherwise). Buffers that may be moved rather than copied (the fresh copies made by the
 * instruction codec) are added to `transfer`.
 */
export function encodeForTransfer(
  value: unknown,
  where: string,
  transfer: ArrayBuffer[] = [],
): unknown {
  const visit = (v: unknown, at: string): unknown => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function' || typeof v === 'symbol') {
        throw new InvalidValueError(`${at} is a ${typeof v}, which cannot be sent between threads`);
      }
      return v;
    }
    if (
      ArrayBuffer.isView(v) ||
      v instanceof ArrayBuffer ||
      v instanceof Date ||
      v instanceof RegExp
    ) {
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, `${at}[${i}]`));
    if (isNDArray(v)) {
      return { [TAG]: 'ndarray', dtype: v.dtype, shape: [...v.shape], data: v.data } as Encoded;
    }
    if (v instanceof Quantity) {
      return { [TAG]: 'quantity', ...v.toJSON() } as Encoded;
    }
    if (v instanceof Parameters) return { [TAG]: 'parameters', typed: v.toTypedJSON() } as Encoded;
    if (v instanceof TimedInstruction) {
      const encoded = encodeInstruction(v);
      transfer.push(...encoded.transfer);
      return { [TAG]: 'instruction', message: encoded.message } as Encoded;
    }
    if (v instanceof Map) {
      return new Map(
        [...v].map(([k, item]) => [visit(k, `${at} key`), visit(item, `${at}.get(${String(k)})`)]),
      );
    }
    if (v instanceof Set) return new Set([...v].map((item) => visit(item, `${at} item`)));
    if (!isPlainObject(v)) {
      throw new InvalidValueError(
        `${at} is a ${describe(v)}, which cannot be sent between threads; compilers must return ` +
          `plain data, typed arrays or core types (NDArray, Quantity, Parameters, TimedInstruction)`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[k] = visit(item, `${at}.${k}`);
    return Object.hasOwn(v, TAG) ? ({ [TAG]: 'object', value: out } as Encoded) : out;
  };
  return visit(value, where);
}

/** Rebuilds what {@link encodeForTransfer} encoded (on the receiving thread). */
export function decodeFromTransfer(value: unknown): unknown {
  const visit = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (
      ArrayBuffer.isView(v) ||
      v instanceof ArrayBuffer ||
      v instanceof Date ||
      v instanceof RegExp
    ) {
      return v;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v instanceof Map) return new Map([...v].map(([k, item]) => [visit(k), visit(item)]));
    if (v instanceof Set) return new Set([...v].map(visit));
    const record = v as Record<string, unknown>;
    switch (record[TAG]) {
      case 'ndarray': {
        const e = record as Extract<Encoded, { [TAG]: 'ndarray' }>;
        return new NDArray(e.dtype as never, e.shape, e.data as never);
      }
      case 'quantity': {
        const e = record as Extract<Encoded, { [TAG]: 'quantity' }>;
        return new Quantity(e.magnitude, e.unit);
      }
      case 'parameters':
        return Parameters.fromTypedJSON(
          (record as Extract<Encoded, { [TAG]: 'parameters' }>).typed,
        );
      case 'instruction':
        return decodeInstruction((record as Extract<Encoded, { [TAG]: 'instruction' }>).message);
      case 'object': {
        const inner = (record as Extract<Encoded, { [TAG]: 'object' }>).value;
        const out: Record<string, unknown> = {};
        for (const [k, item] of Object.entries(inner)) out[k] = visit(item);
        return out;
      }
      default: {
        const out: Record<string, unknown> = {};
        for (const [k, item] of Object.entries(record)) out[k] = visit(item);
        return out;
      }
    }
  };
  return visit(value);
}
