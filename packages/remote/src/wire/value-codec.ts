import {
  InvalidValueError,
  NDArray,
  Parameters,
  Quantity,
  TimedInstruction,
  decodeInstruction,
  encodeInstruction,
  isDType,
  isNDArray,
} from '@shotline/core';
import type {
  TypedArrayValue,
  TypedArrayValue__Output,
} from '../generated/shotline/remote/v1/TypedArrayValue.js';
import type { Value, Value__Output } from '../generated/shotline/remote/v1/Value.js';

/** How deep a value may nest (lists, records, maps) before it is refused as malformed. */
export const MAX_VALUE_DEPTH = 64;

type TypedArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type TypedArrayConstructor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** The typed arrays that cross the wire, by class name (what the `kind` field says). */
const TYPED_ARRAYS: Readonly<Record<string, TypedArrayConstructor>> = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function typedKind(value: ArrayBufferView): string | undefined {
  if (value instanceof Buffer) return 'Uint8Array';
  for (const [kind, ctor] of Object.entries(TYPED_ARRAYS)) {
    if (value instanceof ctor) return kind;
  }
  return undefined;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Views received bytes as a typed array: no copy when they are aligned for its element size, a copy
 * otherwise (a bytes field may start anywhere in its message).
 */
function viewAs<T extends TypedArray>(
  ctor: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
  size: number,
  bytes: Uint8Array,
  where: string,
): T {
  if (bytes.byteLength % size !== 0) {
    throw new InvalidValueError(
      `${where}: ${bytes.byteLength} bytes are not a whole number of ${size}-byte elements`,
    );
  }
  const length = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, length);
  const copy = new Uint8Array(bytes);
  return new ctor(copy.buffer, 0, length);
}

function encodeTyped(view: ArrayBufferView, where: string): TypedArrayValue {
  const kind = typedKind(view);
  if (kind === undefined) {
    throw new InvalidValueError(`${where} is a ${view.constructor.name}, which cannot be sent`);
  }
  return { kind, data: bytesOf(view) };
}

function decodeTyped(value: TypedArrayValue__Output | null | undefined, where: string): TypedArray {
  if (!value) throw new InvalidValueError(`${where}: a typed array is missing`);
  const ctor = Object.hasOwn(TYPED_ARRAYS, value.kind) ? TYPED_ARRAYS[value.kind] : undefined;
  if (ctor === undefined) {
    throw new InvalidValueError(`${where}: unknown typed array kind "${value.kind}"`);
  }
  return viewAs(ctor, ctor.BYTES_PER_ELEMENT, value.data, where);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Encodes what a compiler produced (initialization or shot parameters) or a controller signalled as
 * a typed {@link Value} message: JSON-like data, `undefined`, bigints, dates, Maps, Sets, typed
 * arrays and core's NDArray, Quantity, Parameters and TimedInstruction. Arrays travel as bytes.
 * Anything else (a function, a class instance with behaviour) is an error naming where it is.
 */
export function encodeValue(value: unknown, where = 'value'): Value {
  const visit = (v: unknown, at: string, depth: number): Value => {
    if (depth > MAX_VALUE_DEPTH) {
      throw new InvalidValueError(`${at} nests deeper than ${MAX_VALUE_DEPTH} levels`);
    }
    switch (typeof v) {
      case 'undefined':
        return { undefinedValue: true };
      case 'boolean':
        return { boolValue: v };
      case 'number':
        return { numberValue: v };
      case 'string':
        return { stringValue: v };
      case 'bigint':
        return { bigintValue: v.toString() };
      case 'function':
      case 'symbol':
        throw new InvalidValueError(
          `${at} is a ${typeof v}, which cannot be sent to a device server`,
        );
    }
    if (v === null) return { nullValue: true };
    const object = v as object;
    if (Array.isArray(object)) {
      return {
        listValue: { items: object.map((item, i) => visit(item, `${at}[${i}]`, depth + 1)) },
      };
    }
    if (isNDArray(object)) {
      return {
        ndarrayValue: { dtype: object.dtype, shape: [...object.shape], data: bytesOf(object.data) },
      };
    }
    if (ArrayBuffer.isView(object)) return { typedArrayValue: encodeTyped(object, at) };
    if (object instanceof Quantity) {
      return { quantityValue: object.toJSON() };
    }
    if (object instanceof Parameters) {
      return { parametersValue: visit(object.toTypedJSON(), `${at} (parameters)`, depth + 1) };
    }
    if (object instanceof TimedInstruction) {
      const { message } = encodeInstruction(object);
      return {
        instructionValue: {
          format: message.format,
          structured: message.structured,
          fields: message.fields.map((f) => ({ name: f.name, dtype: f.dtype })),
          nodes: encodeTyped(message.nodes, at),
          children: encodeTyped(message.children, at),
          columns: message.columns.map((c) => encodeTyped(c, at)),
          bounds: encodeTyped(message.bounds, at),
        },
      };
    }
    if (object instanceof Date) return { dateValue: object.getTime() };
    if (object instanceof Map) {
      return {
        mapValue: {
          entries: [...object].map(([k, item]) => ({
            key: visit(k, `${at} key`, depth + 1),
            value: visit(item, `${at}.get(${String(k)})`, depth + 1),
          })),
        },
      };
    }
    if (object instanceof Set) {
      return {
        setValue: { items: [...object].map((item) => visit(item, `${at} item`, depth + 1)) },
      };
    }
    if (!isPlainObject(object)) {
      throw new InvalidValueError(
        `${at} is a ${object.constructor?.name ?? 'object'}, which cannot be sent to a device ` +
          `server; compilers and controllers exchange plain data, typed arrays or core types ` +
          `(NDArray, Quantity, Parameters, TimedInstruction)`,
      );
    }
    return {
      recordValue: {
        entries: Object.entries(object).map(([key, item]) => ({
          key,
          value: visit(item, `${at}.${key}`, depth + 1),
        })),
      },
    };
  };
  return visit(value, where, 0);
}

/**
 * Rebuilds a value from its {@link Value} message. Only data is built: plain values, typed arrays
 * and core types through their own checked constructors (an instruction goes through
 * `decodeInstruction`, which checks every invariant). A malformed message is an error naming where.
 */
export function decodeValue(value: Value__Output | null | undefined, where = 'value'): unknown {
  const visit = (v: Value__Output | null | undefined, at: string, depth: number): unknown => {
    if (depth > MAX_VALUE_DEPTH) {
      throw new InvalidValueError(`${at} nests deeper than ${MAX_VALUE_DEPTH} levels`);
    }
    if (!v) throw new InvalidValueError(`${at}: a value is missing`);
    switch (v.kind) {
      case 'nullValue':
        return null;
      case 'undefinedValue':
        return undefined;
      case 'boolValue':
        return v.boolValue;
      case 'numberValue':
        return v.numberValue;
      case 'stringValue':
        return v.stringValue;
      case 'bigintValue': {
        const text = v.bigintValue ?? '';
        if (!/^-?\d{1,1000}$/.test(text))
          throw new InvalidValueError(`${at}: "${text}" is not an integer`);
        return BigInt(text);
      }
      case 'dateValue':
        return new Date(v.dateValue ?? Number.NaN);
      case 'listValue':
        return (v.listValue?.items ?? []).map((item, i) => visit(item, `${at}[${i}]`, depth + 1));
      case 'setValue':
        return new Set(
          (v.setValue?.items ?? []).map((item) => visit(item, `${at} item`, depth + 1)),
        );
      case 'mapValue':
        return new Map(
          (v.mapValue?.entries ?? []).map((e) => [
            visit(e.key, `${at} key`, depth + 1),
            visit(e.value, `${at} entry`, depth + 1),
          ]),
        );
      case 'recordValue': {
        const out: Record<string, unknown> = {};
        for (const entry of v.recordValue?.entries ?? []) {
          // A key like __proto__ must stay data, never reach the prototype.
          Object.defineProperty(out, entry.key, {
            value: visit(entry.value, `${at}.${entry.key}`, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      case 'typedArrayValue':
        return decodeTyped(v.typedArrayValue, at);
      case 'ndarrayValue': {
        const a = v.ndarrayValue!;
        if (!isDType(a.dtype)) throw new InvalidValueError(`${at}: unknown dtype "${a.dtype}"`);
        return NDArray.fromBytes(a.dtype, a.shape, a.data);
      }
      case 'quantityValue':
        return new Quantity(v.quantityValue!.magnitude, v.quantityValue!.unit);
      case 'parametersValue':
        return Parameters.fromTypedJSON(visit(v.parametersValue, `${at} (parameters)`, depth + 1));
      case 'instructionValue': {
        const m = v.instructionValue!;
        return decodeInstruction({
          format: m.format,
          structured: m.structured,
          fields: m.fields.map((f) => ({ name: f.name, dtype: f.dtype })),
          nodes: decodeTyped(m.nodes, `${at} nodes`),
          children: decodeTyped(m.children, `${at} children`),
          columns: m.columns.map((c, i) => decodeTyped(c, `${at} column ${i}`)),
          bounds: decodeTyped(m.bounds, `${at} bounds`),
        });
      }
      default:
        throw new InvalidValueError(`${at}: the value has no known kind`);
    }
  };
  return visit(value, where, 0);
}
