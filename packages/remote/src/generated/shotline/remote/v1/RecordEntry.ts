// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

export interface RecordEntry {
  key?: string;
  value?: _shotline_remote_v1_Value | null;
}

export interface RecordEntry__Output {
  key: string;
  value: _shotline_remote_v1_Value__Output | null;
}
