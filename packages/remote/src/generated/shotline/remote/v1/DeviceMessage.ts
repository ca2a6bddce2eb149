// Original file: device-server.proto

import type {
  Ready as _shotline_remote_v1_Ready,
  Ready__Output as _shotline_remote_v1_Ready__Output,
} from '../../../shotline/remote/v1/Ready.js';
import type {
  DataDelivery as _shotline_remote_v1_DataDelivery,
  DataDelivery__Output as _shotline_remote_v1_DataDelivery__Output,
} from '../../../shotline/remote/v1/DataDelivery.js';
import type {
  WaitData as _shotline_remote_v1_WaitData,
  WaitData__Output as _shotline_remote_v1_WaitData__Output,
} from '../../../shotline/remote/v1/WaitData.js';
import type {
  Heartbeat as _shotline_remote_v1_Heartbeat,
  Heartbeat__Output as _shotline_remote_v1_Heartbeat__Output,
} from '../../../shotline/remote/v1/Heartbeat.js';
import type {
  ShotDone as _shotline_remote_v1_ShotDone,
  ShotDone__Output as _shotline_remote_v1_ShotDone__Output,
} from '../../../shotline/remote/v1/ShotDone.js';
import type {
  WireError as _shotline_remote_v1_WireError,
  WireError__Output as _shotline_remote_v1_WireError__Output,
} from '../../../shotline/remote/v1/WireError.js';
import type {
  TrackedCall as _shotline_remote_v1_TrackedCall,
  TrackedCall__Output as _shotline_remote_v1_TrackedCall__Output,
} from '../../../shotline/remote/v1/TrackedCall.js';

/**
 * Device server -> manager.
 */
export interface DeviceMessage {
  /**
   * The controller called waitAllDevicesReady().
   */
  ready?: _shotline_remote_v1_Ready | null;
  /**
   * The controller called signalData(label, value).
   */
  signal?: _shotline_remote_v1_DataDelivery | null;
  /**
   * The controller called waitData(label).
   */
  wait?: _shotline_remote_v1_WaitData | null;
  /**
   * The controller is still running (liveness while nothing else is sent).
   */
  heartbeat?: _shotline_remote_v1_Heartbeat | null;
  /**
   * runShot returned.
   */
  done?: _shotline_remote_v1_ShotDone | null;
  /**
   * runShot threw; the error, without stack traces.
   */
  failed?: _shotline_remote_v1_WireError | null;
  /**
   * A call the controller tracked with shot.track(name, work).
   */
  call?: _shotline_remote_v1_TrackedCall | null;
  kind?: 'ready' | 'signal' | 'wait' | 'heartbeat' | 'done' | 'failed' | 'call';
}

/**
 * Device server -> manager.
 */
export interface DeviceMessage__Output {
  /**
   * The controller called waitAllDevicesReady().
   */
  ready?: _shotline_remote_v1_Ready__Output | null;
  /**
   * The controller called signalData(label, value).
   */
  signal?: _shotline_remote_v1_DataDelivery__Output | null;
  /**
   * The controller called waitData(label).
   */
  wait?: _shotline_remote_v1_WaitData__Output | null;
  /**
   * The controller is still running (liveness while nothing else is sent).
   */
  heartbeat?: _shotline_remote_v1_Heartbeat__Output | null;
  /**
   * runShot returned.
   */
  done?: _shotline_remote_v1_ShotDone__Output | null;
  /**
   * runShot threw; the error, without stack traces.
   */
  failed?: _shotline_remote_v1_WireError__Output | null;
  /**
   * A call the controller tracked with shot.track(name, work).
   */
  call?: _shotline_remote_v1_TrackedCall__Output | null;
  kind?: 'ready' | 'signal' | 'wait' | 'heartbeat' | 'done' | 'failed' | 'call';
}
