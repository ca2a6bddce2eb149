import { InvalidValueError } from '@shotline/core';

/** An IEEE 488.2 binary block is malformed (bad header, wrong length). */
export class InvalidBinaryBlockError extends InvalidValueError {
  static override readonly code: string = 'VISA_INVALID_BINARY_BLOCK';
}

/** Where a block's data starts and how long it is; `length` is undefined for `#0` blocks. */
export interface BinaryBlockHeader {
  /** Index of the `#` in the buffer (instruments may send a prefix such as `CURV `). */
  readonly start: number;
  /** Index of the first data byte. */
  readonly dataOffset: number;
  /** Number of data bytes, or undefined for an indefinite-length block (`#0`). */
  readonly length: number | undefined;
}

const HASH = 0x23;
const ZERO = 0x30;

/**
 * Finds and parses an IEEE 488.2 block header (`#<n><n digits of length>`, or `#0`) in `buffer`.
 * Returns `'incomplete'` when more bytes are needed to know.
 *
 * @throws InvalidBinaryBlockError when the header is malformed.
 */
export function parseBinaryBlockHeader(
  buffer: Uint8Array,
  resource?: string,
): BinaryBlockHeader | 'incomplete' {
  const start = buffer.indexOf(HASH);
  if (start < 0) return 'incomplete';
  if (buffer.length < start + 2) return 'incomplete';
  const digitCount = buffer[start + 1]! - ZERO;
  if (digitCount < 0 || digitCount > 9) {
    throw new InvalidBinaryBlockError(
      `binary block header "${preview(buffer, start)}" must be "#" followed by a digit`,
      { location: resource === undefined ? {} : { resource } },
    );
  }
  if (digitCount === 0) return { start, dataOffset: start + 2, length: undefined };
  if (buffer.length < start + 2 + digitCount) return 'incomplete';
  let length = 0;
  for (let i = 0; i < digitCount; i++) {
    const digit = buffer[start + 2 + i]! - ZERO;
    if (digit < 0 || digit > 9) {
      throw new InvalidBinaryBlockError(
        `binary block header "${preview(buffer, start)}" has a non-digit in its length`,
        { location: resource === undefined ? {} : { resource } },
      );
    }
    length = length * 10 + digit;
  }
  return { start, dataOffset: start + 2 + digitCount, length };
}

/** Encodes `data` as a definite-length block: `#<n><length><data>`. */
export function encodeBinaryBlock(data: Uint8Array): Buffer {
  const length = String(data.length);
  if (length.length > 9) throw new InvalidBinaryBlockError('binary block longer than 999999999');
  return Buffer.concat([Buffer.from(`#${length.length}${length}`, 'latin1'), data]);
}

/** Element types of binary data, with pyvisa's struct letter in the comment. */
export type BinaryDatatype =
  | 'int8' // b
  | 'uint8' // B
  | 'int16' // h
  | 'uint16' // H
  | 'int32' // i
  | 'uint32' // I
  | 'float32' // f
  | 'float64'; // d

const SIZES: Record<BinaryDatatype, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

/** Decodes block data as numbers (little-endian unless `bigEndian`, like pyvisa's default). */
export function decodeBinaryValues(
  data: Uint8Array,
  datatype: BinaryDatatype,
  options: { bigEndian?: boolean; resource?: string } = {},
): number[] {
  const size = SIZES[datatype];
  if (data.length % size !== 0) {
    throw new InvalidBinaryBlockError(
      `binary data of ${data.length} bytes is not a whole number of ${datatype} values ` +
        `(${size} bytes each)`,
      { location: options.resource === undefined ? {} : { resource: options.resource } },
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = !options.bigEndian;
  const values: number[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    switch (datatype) {
      case 'int8':
        values.push(view.getInt8(offset));
        break;
      case 'uint8':
        values.push(view.getUint8(offset));
        break;
      case 'int16':
        values.push(view.getInt16(offset, little));
        break;
      case 'uint16':
        values.push(view.getUint16(offset, little));
        break;
      case 'int32':
        values.push(view.getInt32(offset, little));
        break;
      case 'uint32':
        values.push(view.getUint32(offset, little));
        break;
      case 'float32':
        values.push(view.getFloat32(offset, little));
        break;
      case 'float64':
        values.push(view.getFloat64(offset, little));
        break;
    }
  }
  return values;
}

/** Encodes numbers as block data (little-endian unless `bigEndian`). */
export function encodeBinaryValues(
  values: readonly number[],
  datatype: BinaryDatatype,
  options: { bigEndian?: boolean } = {},
): Buffer {
  const size = SIZES[datatype];
  const buffer = Buffer.alloc(values.length * size);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const little = !options.bigEndian;
  values.forEach((value, i) => {
    const offset = i * size;
    switch (datatype) {
      case 'int8':
        return view.setInt8(offset, value);
      case 'uint8':
        return view.setUint8(offset, value);
      case 'int16':
        return view.setInt16(offset, value, little);
      case 'uint16':
        return view.setUint16(offset, value, little);
      case 'int32':
        return view.setInt32(offset, value, little);
      case 'uint32':
        return view.setUint32(offset, value, little);
      case 'float32':
        return view.setFloat32(offset, value, little);
      case 'float64':
        return view.setFloat64(offset, value, little);
    }
  });
  return buffer;
}

function preview(buffer: Uint8Array, start: number): string {
  return Buffer.from(buffer.subarray(start, start + 12))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
}
