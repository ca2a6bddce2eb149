// Original file: device-server.proto

export interface OpenDeviceReply {
  /**
   * Opaque handle of the open device, valid on this connection's manager until closed or expired.
   */
  handle?: string;
  /**
   * The lease granted (milliseconds).
   */
  leaseMs?: number;
}

export interface OpenDeviceReply__Output {
  /**
   * Opaque handle of the open device, valid on this connection's manager until closed or expired.
   */
  handle: string;
  /**
   * The lease granted (milliseconds).
   */
  leaseMs: number;
}
