// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

/**
 * Data another controller signalled, answering a WaitData.
 */
export interface DataDelivery {
  label?: string;
  value?: _shotline_remote_v1_Value | null;
}

/**
 * Data another controller signalled, answering a WaitData.
 */
export interface DataDelivery__Output {
  label: string;
  value: _shotline_remote_v1_Value__Output | null;
}
