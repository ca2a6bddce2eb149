import type { DType, NDArray } from '@shotline/core';

// The .npy format (numpy's own, "NEP 1"): a magic string, a version, a Python-literal header with
// dtype, order and shape, padded so the data starts on a 64-byte boundary, then the raw C-order
// bytes. No maintained npm package writes it; the format is these few lines, and the CI reads every
// file back with Debian's numpy.

const DESCR: Record<DType, string> = {
  bool: '|b1',
  uint8: '|u1',
  int8: '|i1',
  uint16: '<u2',
  int16: '<i2',
  uint32: '<u4',
  int32: '<i4',
  uint64: '<u8',
  int64: '<i8',
  float32: '<f4',
  float64: '<f8',
};

/** The header of a version 1.0 .npy file holding `array` (its bytes follow it). */
export function npyHeader(array: Pick<NDArray, 'dtype' | 'shape'>): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const padding = (64 - (unpadded % 64)) % 64;
  const text = `${dict}${' '.repeat(padding)}\n`;
  const header = new Uint8Array(10 + text.length);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(header.buffer).setUint16(8, text.length, true);
  header.set(new TextEncoder().encode(text), 10);
  return header;
}

/** The bytes of an array's values (a view, no copy). */
export function arrayBytes(array: NDArray): Uint8Array {
  const data = array.data as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
