// Original file: device-server.proto

import type {
  ErrorLocation as _shotline_remote_v1_ErrorLocation,
  ErrorLocation__Output as _shotline_remote_v1_ErrorLocation__Output,
} from '../../../shotline/remote/v1/ErrorLocation.js';
import type {
  WireError as _shotline_remote_v1_WireError,
  WireError__Output as _shotline_remote_v1_WireError__Output,
} from '../../../shotline/remote/v1/WireError.js';

/**
 * An error as a summary: class name, stable code, message, location; never a stack trace.
 */
export interface WireError {
  type?: string;
  code?: string;
  message?: string;
  detail?: string;
  recoverable?: boolean;
  location?: _shotline_remote_v1_ErrorLocation | null;
  cause?: _shotline_remote_v1_WireError | null;
  errors?: _shotline_remote_v1_WireError[];
}

/**
 * An error as a summary: class name, stable code, message, location; never a stack trace.
 */
export interface WireError__Output {
  type: string;
  code: string;
  message: string;
  detail: string;
  recoverable: boolean;
  location: _shotline_remote_v1_ErrorLocation__Output | null;
  cause: _shotline_remote_v1_WireError__Output | null;
  errors: _shotline_remote_v1_WireError__Output[];
}
