// Original file: device-server.proto

import type {
  StartShot as _shotline_remote_v1_StartShot,
  StartShot__Output as _shotline_remote_v1_StartShot__Output,
} from '../../../shotline/remote/v1/StartShot.js';
import type {
  BarrierPassed as _shotline_remote_v1_BarrierPassed,
  BarrierPassed__Output as _shotline_remote_v1_BarrierPassed__Output,
} from '../../../shotline/remote/v1/BarrierPassed.js';
import type {
  DataDelivery as _shotline_remote_v1_DataDelivery,
  DataDelivery__Output as _shotline_remote_v1_DataDelivery__Output,
} from '../../../shotline/remote/v1/DataDelivery.js';
import type {
  AbortShot as _shotline_remote_v1_AbortShot,
  AbortShot__Output as _shotline_remote_v1_AbortShot__Output,
} from '../../../shotline/remote/v1/AbortShot.js';

/**
 * Manager -> device server.
 */
export interface ManagerMessage {
  start?: _shotline_remote_v1_StartShot | null;
  barrier?: _shotline_remote_v1_BarrierPassed | null;
  data?: _shotline_remote_v1_DataDelivery | null;
  abort?: _shotline_remote_v1_AbortShot | null;
  kind?: 'start' | 'barrier' | 'data' | 'abort';
}

/**
 * Manager -> device server.
 */
export interface ManagerMessage__Output {
  start?: _shotline_remote_v1_StartShot__Output | null;
  barrier?: _shotline_remote_v1_BarrierPassed__Output | null;
  data?: _shotline_remote_v1_DataDelivery__Output | null;
  abort?: _shotline_remote_v1_AbortShot__Output | null;
  kind?: 'start' | 'barrier' | 'data' | 'abort';
}
