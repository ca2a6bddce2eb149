// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

export interface StartShot {
  handle?: string;
  /**
   * Index of the shot in the sequence.
   */
  shot?: number;
  /**
   * What the manager's compiler computed for `runShot`.
   */
  parameters?: _shotline_remote_v1_Value | null;
  /**
   * The server sends a heartbeat at least this often while the controller runs (milliseconds).
   */
  heartbeatMs?: number;
}

export interface StartShot__Output {
  handle: string;
  /**
   * Index of the shot in the sequence.
   */
  shot: number;
  /**
   * What the manager's compiler computed for `runShot`.
   */
  parameters: _shotline_remote_v1_Value__Output | null;
  /**
   * The server sends a heartbeat at least this often while the controller runs (milliseconds).
   */
  heartbeatMs: number;
}
