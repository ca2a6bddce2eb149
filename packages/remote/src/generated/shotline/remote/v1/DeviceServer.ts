// Original file: device-server.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CloseDeviceReply as _shotline_remote_v1_CloseDeviceReply,
  CloseDeviceReply__Output as _shotline_remote_v1_CloseDeviceReply__Output,
} from '../../../shotline/remote/v1/CloseDeviceReply.js';
import type {
  CloseDeviceRequest as _shotline_remote_v1_CloseDeviceRequest,
  CloseDeviceRequest__Output as _shotline_remote_v1_CloseDeviceRequest__Output,
} from '../../../shotline/remote/v1/CloseDeviceRequest.js';
import type {
  DescribeRequest as _shotline_remote_v1_DescribeRequest,
  DescribeRequest__Output as _shotline_remote_v1_DescribeRequest__Output,
} from '../../../shotline/remote/v1/DescribeRequest.js';
import type {
  DeviceMessage as _shotline_remote_v1_DeviceMessage,
  DeviceMessage__Output as _shotline_remote_v1_DeviceMessage__Output,
} from '../../../shotline/remote/v1/DeviceMessage.js';
import type {
  ManagerMessage as _shotline_remote_v1_ManagerMessage,
  ManagerMessage__Output as _shotline_remote_v1_ManagerMessage__Output,
} from '../../../shotline/remote/v1/ManagerMessage.js';
import type {
  OpenDeviceReply as _shotline_remote_v1_OpenDeviceReply,
  OpenDeviceReply__Output as _shotline_remote_v1_OpenDeviceReply__Output,
} from '../../../shotline/remote/v1/OpenDeviceReply.js';
import type {
  OpenDeviceRequest as _shotline_remote_v1_OpenDeviceRequest,
  OpenDeviceRequest__Output as _shotline_remote_v1_OpenDeviceRequest__Output,
} from '../../../shotline/remote/v1/OpenDeviceRequest.js';
import type {
  RenewLeasesReply as _shotline_remote_v1_RenewLeasesReply,
  RenewLeasesReply__Output as _shotline_remote_v1_RenewLeasesReply__Output,
} from '../../../shotline/remote/v1/RenewLeasesReply.js';
import type {
  RenewLeasesRequest as _shotline_remote_v1_RenewLeasesRequest,
  RenewLeasesRequest__Output as _shotline_remote_v1_RenewLeasesRequest__Output,
} from '../../../shotline/remote/v1/RenewLeasesRequest.js';
import type {
  ServerDescription as _shotline_remote_v1_ServerDescription,
  ServerDescription__Output as _shotline_remote_v1_ServerDescription__Output,
} from '../../../shotline/remote/v1/ServerDescription.js';

export interface DeviceServerClient extends grpc.Client {
  /**
   * Closes a device (idempotent).
   */
  CloseDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  CloseDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  CloseDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  CloseDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * Closes a device (idempotent).
   */
  closeDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  closeDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  closeDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  closeDevice(
    argument: _shotline_remote_v1_CloseDeviceRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_CloseDeviceReply__Output>,
  ): grpc.ClientUnaryCall;

  /**
   * Who the server is and which device types (with plugin versions) it offers to this manager.
   */
  Describe(
    argument: _shotline_remote_v1_DescribeRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  Describe(
    argument: _shotline_remote_v1_DescribeRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  Describe(
    argument: _shotline_remote_v1_DescribeRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  Describe(
    argument: _shotline_remote_v1_DescribeRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * Who the server is and which device types (with plugin versions) it offers to this manager.
   */
  describe(
    argument: _shotline_remote_v1_DescribeRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  describe(
    argument: _shotline_remote_v1_DescribeRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  describe(
    argument: _shotline_remote_v1_DescribeRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;
  describe(
    argument: _shotline_remote_v1_DescribeRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_ServerDescription__Output>,
  ): grpc.ClientUnaryCall;

  /**
   * Creates and opens a device from its compiler's initialization parameters, under a lease.
   */
  OpenDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  OpenDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  OpenDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  OpenDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * Creates and opens a device from its compiler's initialization parameters, under a lease.
   */
  openDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  openDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  openDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;
  openDevice(
    argument: _shotline_remote_v1_OpenDeviceRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_OpenDeviceReply__Output>,
  ): grpc.ClientUnaryCall;

  /**
   * Renews the leases of open devices; a device whose lease expires is closed by the server.
   */
  RenewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  RenewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  RenewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  RenewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * Renews the leases of open devices; a device whose lease expires is closed by the server.
   */
  renewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  renewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  renewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;
  renewLeases(
    argument: _shotline_remote_v1_RenewLeasesRequest,
    callback: grpc.requestCallback<_shotline_remote_v1_RenewLeasesReply__Output>,
  ): grpc.ClientUnaryCall;

  /**
   * Runs one device's controller for its shots, one after the other on one stream: `start` begins
   * a shot, `done` or `failed` ends it, the next `start` begins the next one (a manager may also
   * open a stream per shot). The readiness barrier, the data exchange with the other controllers of
   * the shot and the abort signal cross this stream. The manager half-closes it when the device
   * closes, or cancels it when a shot ended without the server's answer.
   */
  RunShot(
    metadata: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _shotline_remote_v1_ManagerMessage,
    _shotline_remote_v1_DeviceMessage__Output
  >;
  RunShot(
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _shotline_remote_v1_ManagerMessage,
    _shotline_remote_v1_DeviceMessage__Output
  >;
  /**
   * Runs one device's controller for its shots, one after the other on one stream: `start` begins
   * a shot, `done` or `failed` ends it, the next `start` begins the next one (a manager may also
   * open a stream per shot). The readiness barrier, the data exchange with the other controllers of
   * the shot and the abort signal cross this stream. The manager half-closes it when the device
   * closes, or cancels it when a shot ended without the server's answer.
   */
  runShot(
    metadata: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _shotline_remote_v1_ManagerMessage,
    _shotline_remote_v1_DeviceMessage__Output
  >;
  runShot(
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _shotline_remote_v1_ManagerMessage,
    _shotline_remote_v1_DeviceMessage__Output
  >;
}

export interface DeviceServerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Closes a device (idempotent).
   */
  CloseDevice: grpc.handleUnaryCall<
    _shotline_remote_v1_CloseDeviceRequest__Output,
    _shotline_remote_v1_CloseDeviceReply
  >;

  /**
   * Who the server is and which device types (with plugin versions) it offers to this manager.
   */
  Describe: grpc.handleUnaryCall<
    _shotline_remote_v1_DescribeRequest__Output,
    _shotline_remote_v1_ServerDescription
  >;

  /**
   * Creates and opens a device from its compiler's initialization parameters, under a lease.
   */
  OpenDevice: grpc.handleUnaryCall<
    _shotline_remote_v1_OpenDeviceRequest__Output,
    _shotline_remote_v1_OpenDeviceReply
  >;

  /**
   * Renews the leases of open devices; a device whose lease expires is closed by the server.
   */
  RenewLeases: grpc.handleUnaryCall<
    _shotline_remote_v1_RenewLeasesRequest__Output,
    _shotline_remote_v1_RenewLeasesReply
  >;

  /**
   * Runs one device's controller for its shots, one after the other on one stream: `start` begins
   * a shot, `done` or `failed` ends it, the next `start` begins the next one (a manager may also
   * open a stream per shot). The readiness barrier, the data exchange with the other controllers of
   * the shot and the abort signal cross this stream. The manager half-closes it when the device
   * closes, or cancels it when a shot ended without the server's answer.
   */
  RunShot: grpc.handleBidiStreamingCall<
    _shotline_remote_v1_ManagerMessage__Output,
    _shotline_remote_v1_DeviceMessage
  >;
}

export interface DeviceServerDefinition extends grpc.ServiceDefinition {
  CloseDevice: MethodDefinition<
    _shotline_remote_v1_CloseDeviceRequest,
    _shotline_remote_v1_CloseDeviceReply,
    _shotline_remote_v1_CloseDeviceRequest__Output,
    _shotline_remote_v1_CloseDeviceReply__Output
  >;
  Describe: MethodDefinition<
    _shotline_remote_v1_DescribeRequest,
    _shotline_remote_v1_ServerDescription,
    _shotline_remote_v1_DescribeRequest__Output,
    _shotline_remote_v1_ServerDescription__Output
  >;
  OpenDevice: MethodDefinition<
    _shotline_remote_v1_OpenDeviceRequest,
    _shotline_remote_v1_OpenDeviceReply,
    _shotline_remote_v1_OpenDeviceRequest__Output,
    _shotline_remote_v1_OpenDeviceReply__Output
  >;
  RenewLeases: MethodDefinition<
    _shotline_remote_v1_RenewLeasesRequest,
    _shotline_remote_v1_RenewLeasesReply,
    _shotline_remote_v1_RenewLeasesRequest__Output,
    _shotline_remote_v1_RenewLeasesReply__Output
  >;
  RunShot: MethodDefinition<
    _shotline_remote_v1_ManagerMessage,
    _shotline_remote_v1_DeviceMessage,
    _shotline_remote_v1_ManagerMessage__Output,
    _shotline_remote_v1_DeviceMessage__Output
  >;
}
