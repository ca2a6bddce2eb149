// Original file: device-server.proto

/**
 * An n-d array: dtype (`uint16`, `float64`...), shape, C-order element bytes.
 */
export interface NDArrayValue {
  dtype?: string;
  shape?: number[];
  data?: Buffer | Uint8Array | string;
}

/**
 * An n-d array: dtype (`uint16`, `float64`...), shape, C-order element bytes.
 */
export interface NDArrayValue__Output {
  dtype: string;
  shape: number[];
  data: Buffer;
}
