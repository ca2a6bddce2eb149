// Original file: device-server.proto

/**
 * A typed array (`Float64Array`, `Uint8Array`...): its class name and element bytes.
 */
export interface TypedArrayValue {
  kind?: string;
  data?: Buffer | Uint8Array | string;
}

/**
 * A typed array (`Float64Array`, `Uint8Array`...): its class name and element bytes.
 */
export interface TypedArrayValue__Output {
  kind: string;
  data: Buffer;
}
