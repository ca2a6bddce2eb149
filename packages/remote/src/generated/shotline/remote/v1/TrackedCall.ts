// Original file: device-server.proto

/**
 * Sent when a tracked call starts and again when it finishes; the manager records its span.
 */
export interface TrackedCall {
  /**
   * Pairs the start and the end of one call.
   */
  id?: number;
  name?: string;
  finished?: boolean;
}

/**
 * Sent when a tracked call starts and again when it finishes; the manager records its span.
 */
export interface TrackedCall__Output {
  /**
   * Pairs the start and the end of one call.
   */
  id: number;
  name: string;
  finished: boolean;
}
