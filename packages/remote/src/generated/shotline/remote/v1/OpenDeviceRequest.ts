// Original file: device-server.proto

import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';

export interface OpenDeviceRequest {
  /**
   * Name of the device in the manager's lab (for messages and logs).
   */
  deviceName?: string;
  /**
   * Device type tag; must be on the server's allow-list.
   */
  type?: string;
  /**
   * The manager's plugin for this type and its version: the server refuses another version.
   */
  plugin?: string;
  pluginVersion?: string;
  /**
   * What the manager's compiler computed for `createDevice`.
   */
  initParameters?: _shotline_remote_v1_Value | null;
  /**
   * Requested lease (milliseconds); the server may shorten it to its maximum.
   */
  leaseMs?: number;
  /**
   * The sequence the device is opened for (for logs).
   */
  sequence?: string;
}

export interface OpenDeviceRequest__Output {
  /**
   * Name of the device in the manager's lab (for messages and logs).
   */
  deviceName: string;
  /**
   * Device type tag; must be on the server's allow-list.
   */
  type: string;
  /**
   * The manager's plugin for this type and its version: the server refuses another version.
   */
  plugin: string;
  pluginVersion: string;
  /**
   * What the manager's compiler computed for `createDevice`.
   */
  initParameters: _shotline_remote_v1_Value__Output | null;
  /**
   * Requested lease (milliseconds); the server may shorten it to its maximum.
   */
  leaseMs: number;
  /**
   * The sequence the device is opened for (for logs).
   */
  sequence: string;
}
