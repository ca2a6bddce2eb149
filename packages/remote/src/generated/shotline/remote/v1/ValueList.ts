// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

export interface ValueList {
  items?: _shotline_remote_v1_Value[];
}

export interface ValueList__Output {
  items: _shotline_remote_v1_Value__Output[];
}
