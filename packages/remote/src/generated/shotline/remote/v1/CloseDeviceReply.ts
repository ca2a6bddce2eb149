// Original file: device-server.proto

import type {
  WireError as _shotline_remote_v1_WireError,
  WireError__Output as _shotline_remote_v1_WireError__Output,
} from '../../../shotline/remote/v1/WireError.js';

export interface CloseDeviceReply {
  /**
   * Set when the device's close() failed (it is released anyway).
   */
  error?: _shotline_remote_v1_WireError | null;
}

export interface CloseDeviceReply__Output {
  /**
   * Set when the device's close() failed (it is released anyway).
   */
  error: _shotline_remote_v1_WireError__Output | null;
}
