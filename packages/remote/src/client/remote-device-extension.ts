import type { AnyDeviceExtension, DeviceExtension } from '@shotline/core';
import type { DeviceServerConnection } from './device-server-connection.js';
import { RemoteController } from './remote-controller.js';
import { RemoteDevice } from './remote-device.js';

/** Where the devices of a {@link remoteDeviceExtension} live. */
export interface RemoteDeviceExtensionOptions {
  /** The server's name (in messages). */
  readonly server: string;
  /** The connection to it (looked up when a device opens). */
  readonly connection: () => DeviceServerConnection;
  /** The manager's plugin for the type, checked against the server's. Optional. */
  readonly plugin?: { readonly name: string; readonly version?: string };
}

/**
 * The same device type as `extension`, with its devices on a device server: same type tag,
 * configuration schema, default configuration, compiler (compilation stays on the manager) and
 * data labels; `createDevice` and `createController` give stand-ins whose `open`, `close` and
 * `runShot` run on the server. What the conformance kit runs to check a driver as a remote device.
 */
export function remoteDeviceExtension(
  extension: AnyDeviceExtension,
  options: RemoteDeviceExtensionOptions,
): DeviceExtension<unknown, unknown, unknown, RemoteDevice> {
  const dataLabels = extension.dataLabels?.bind(extension);
  return {
    type: extension.type,
    label: `${extension.label} (on device server ${options.server})`,
    configurationSchema: extension.configurationSchema,
    defaultConfiguration: () => extension.defaultConfiguration() as unknown,
    createCompiler: (deviceName, configuration, sequence) =>
      extension.createCompiler(deviceName, configuration, sequence),
    createDevice: (deviceName, initParameters) =>
      new RemoteDevice({
        server: options.server,
        connection: options.connection,
        deviceName,
        type: extension.type,
        ...(options.plugin ? { plugin: options.plugin } : {}),
        initParameters,
      }),
    createController: () => new RemoteController(),
    ...(dataLabels ? { dataLabels } : {}),
  };
}
