// Original file: device-server.proto

export interface DeviceTypeDescription {
  type?: string;
  label?: string;
  /**
   * Package that provides the type, and its version.
   */
  plugin?: string;
  pluginVersion?: string;
}

export interface DeviceTypeDescription__Output {
  type: string;
  label: string;
  /**
   * Package that provides the type, and its version.
   */
  plugin: string;
  pluginVersion: string;
}
