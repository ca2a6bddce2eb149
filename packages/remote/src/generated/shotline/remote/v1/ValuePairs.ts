// Original file: device-server.proto

import type {
  ValuePair as _shotline_remote_v1_ValuePair,
  ValuePair__Output as _shotline_remote_v1_ValuePair__Output,
} from '../../../shotline/remote/v1/ValuePair.js';

/**
 * A Map, entries in order.
 */
export interface ValuePairs {
  entries?: _shotline_remote_v1_ValuePair[];
}

/**
 * A Map, entries in order.
 */
export interface ValuePairs__Output {
  entries: _shotline_remote_v1_ValuePair__Output[];
}
