// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

export interface ValuePair {
  key?: _shotline_remote_v1_Value | null;
  value?: _shotline_remote_v1_Value | null;
}

export interface ValuePair__Output {
  key: _shotline_remote_v1_Value__Output | null;
  value: _shotline_remote_v1_Value__Output | null;
}
