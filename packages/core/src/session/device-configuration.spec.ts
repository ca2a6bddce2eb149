import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyDeviceExtension } from '../device/index.js';
import { DeviceRegistry } from '../plugins/index.js';
import {
  InvalidDeviceConfigurationError,
  parseDeviceConfiguration,
} from './device-configuration.js';

const laser: AnyDeviceExtension = {
  type: 'lab.laser',
  label: 'Laser',
  configurationSchema: z.object({ power: z.string(), channels: z.array(z.int()).default([]) }),
  defaultConfiguration: () => ({ power: '1 mW', channels: [] }),
  createCompiler: () => ({ initializationParameters: () => ({}), compileShot: () => ({}) }),
  createDevice: () => ({ open: async () => {}, close: async () => {} }),
  createController: () => ({ runShot: async () => {} }),
};

describe('device configurations', () => {
  const registry = new DeviceRegistry();
  registry.addDevice(laser);

  it("are validated by their extension's schema", () => {
    expect(
      parseDeviceConfiguration(registry, {
        name: 'l',
        type: 'lab.laser',
        configuration: { power: '2 W' },
      }),
    ).toEqual({
      name: 'l',
      type: 'lab.laser',
      configuration: { power: '2 W', channels: [] },
    });
  });

  it('name the device and the offending field when invalid', () => {
    const parse = () =>
      parseDeviceConfiguration(registry, {
        name: 'l',
        type: 'lab.laser',
        configuration: { power: 2, channels: [0.5] },
      });
    expect(parse).toThrow(InvalidDeviceConfigurationError);
    expect(parse).toThrow(
      /device type "lab\.laser" is invalid: power: .*; channels\.0: .*\(device "l"\)/,
    );
  });

  it('name the device and the type when no plugin provides it', () => {
    expect(() =>
      parseDeviceConfiguration(registry, { name: 'cam', type: 'vendor.camera', configuration: {} }),
    ).toThrow(/no loaded plugin provides device type "vendor\.camera".*\(device "cam"\)/);
  });
});
