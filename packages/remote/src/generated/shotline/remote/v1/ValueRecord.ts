// Original file: device-server.proto

import type {
  RecordEntry as _shotline_remote_v1_RecordEntry,
  RecordEntry__Output as _shotline_remote_v1_RecordEntry__Output,
} from '../../../shotline/remote/v1/RecordEntry.js';

/**
 * A plain object, keys in order.
 */
export interface ValueRecord {
  entries?: _shotline_remote_v1_RecordEntry[];
}

/**
 * A plain object, keys in order.
 */
export interface ValueRecord__Output {
  entries: _shotline_remote_v1_RecordEntry__Output[];
}
