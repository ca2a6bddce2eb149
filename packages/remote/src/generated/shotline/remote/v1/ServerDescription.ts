// Original file: device-server.proto

import type {
  DeviceTypeDescription as _shotline_remote_v1_DeviceTypeDescription,
  DeviceTypeDescription__Output as _shotline_remote_v1_DeviceTypeDescription__Output,
} from '../../../shotline/remote/v1/DeviceTypeDescription.js';

export interface ServerDescription {
  /**
   * The server's name in its configuration (`name: camera-pc`).
   */
  serverName?: string;
  /**
   * Version of this protocol; a manager refuses a server that speaks another one.
   */
  protocolVersion?: number;
  /**
   * Version of @shotline/core on the server.
   */
  coreVersion?: string;
  /**
   * The device types this server hosts (its allow-list, among the plugins it loaded).
   */
  deviceTypes?: _shotline_remote_v1_DeviceTypeDescription[];
  /**
   * The manager name the server recognised the caller's token as.
   */
  manager?: string;
  /**
   * Leases the server grants: at most this long (milliseconds).
   */
  maxLeaseMs?: number;
}

export interface ServerDescription__Output {
  /**
   * The server's name in its configuration (`name: camera-pc`).
   */
  serverName: string;
  /**
   * Version of this protocol; a manager refuses a server that speaks another one.
   */
  protocolVersion: number;
  /**
   * Version of @shotline/core on the server.
   */
  coreVersion: string;
  /**
   * The device types this server hosts (its allow-list, among the plugins it loaded).
   */
  deviceTypes: _shotline_remote_v1_DeviceTypeDescription__Output[];
  /**
   * The manager name the server recognised the caller's token as.
   */
  manager: string;
  /**
   * Leases the server grants: at most this long (milliseconds).
   */
  maxLeaseMs: number;
}
