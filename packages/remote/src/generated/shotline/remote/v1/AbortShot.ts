// Original file: device-server.proto

import type {
  WireError as _shotline_remote_v1_WireError,
  WireError__Output as _shotline_remote_v1_WireError__Output,
} from '../../../shotline/remote/v1/WireError.js';

/**
 * The shot is aborted (another controller failed, the timeout, the sequence is torn down).
 */
export interface AbortShot {
  reason?: _shotline_remote_v1_WireError | null;
}

/**
 * The shot is aborted (another controller failed, the timeout, the sequence is torn down).
 */
export interface AbortShot__Output {
  reason: _shotline_remote_v1_WireError__Output | null;
}
