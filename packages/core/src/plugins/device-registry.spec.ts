import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyDeviceExtension } from '../device/index.js';
import { inject, injectable } from './container.js';
import { DeviceRegistry } from './device-registry.js';
import { DuplicateTypeTagError, PluginLoadError, UnknownDeviceTypeError } from './plugin-errors.js';
import type { ShotlinePlugin } from './shotline-plugin.js';
import { DEVICE_EXTENSION_TOKEN } from './container.js';

function extension(type: string): AnyDeviceExtension {
  return {
    type,
    label: `Device ${type}`,
    configurationSchema: z.object({}),
    defaultConfiguration: () => ({}),
    createCompiler: () => ({ initializationParameters: () => ({}), compileShot: () => ({}) }),
    createDevice: () => ({ open: async () => {}, close: async () => {} }),
    createController: () => ({
      runShot: async (_device, _parameters, shot) => {
        await shot.waitAllDevicesReady();
      },
    }),
  };
}

function plugin(name: string, types: string[], version = '1.2.3'): ShotlinePlugin {
  return {
    name,
    version,
    register(registry) {
      for (const t of types) registry.addDevice(extension(t));
    },
  };
}

describe('DeviceRegistry', () => {
  it('registers the extensions of a plugin and reports them', async () => {
    const registry = new DeviceRegistry();
    const registered = await registry.use(plugin('@lab/a', ['lab.a', 'lab.b']));
    expect(registered).toMatchObject({
      name: '@lab/a',
      version: '1.2.3',
      deviceTypes: ['lab.a', 'lab.b'],
      source: 'explicit',
    });
    expect(registry.extension('lab.b').label).toBe('Device lab.b');
    expect(registry.extensions().map((e) => e.type)).toEqual(['lab.a', 'lab.b']);
    expect(registry.providerOf('lab.a')?.name).toBe('@lab/a');
  });

  it('makes every extension resolvable from its container', async () => {
    const registry = new DeviceRegistry();
    await registry.use(plugin('@lab/a', ['lab.a', 'lab.b']));
    const all = registry.container.resolveAll<AnyDeviceExtension>(DEVICE_EXTENSION_TOKEN);
    expect(all.map((e) => e.type).sort()).toEqual(['lab.a', 'lab.b']);
  });

  it('names both packages when two claim the same device type, and keeps the first', async () => {
    const registry = new DeviceRegistry();
    await registry.use(plugin('@lab/a', ['lab.camera']));
    const error = await registry
      .use(plugin('@vendor/b', ['lab.other', 'lab.camera'], '2.0.0'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateTypeTagError);
    expect((error as Error).message).toContain('@lab/a@1.2.3');
    expect((error as Error).message).toContain('@vendor/b@2.0.0');
    expect((error as Error).message).toContain('"lab.camera"');
    // nothing of the rejected plugin was added
    expect(registry.findExtension('lab.other')).toBeUndefined();
    expect(registry.providerOf('lab.camera')?.name).toBe('@lab/a');
    expect(registry.plugins().map((p) => p.name)).toEqual(['@lab/a']);
  });

  it('adds nothing of a plugin whose register() throws half-way', async () => {
    const registry = new DeviceRegistry();
    const broken: ShotlinePlugin = {
      name: '@lab/broken',
      version: '0.0.1',
      register(r) {
        r.addDevice(extension('lab.first'));
        throw new Error('missing calibration file');
      },
    };
    const error = await registry.use(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect((error as PluginLoadError).message).toContain('@lab/broken@0.0.1');
    expect((error as PluginLoadError).message).toContain('missing calibration file');
    expect(registry.findExtension('lab.first')).toBeUndefined();
  });

  it('rejects an extension with a missing factory, naming the plugin and the type', async () => {
    const registry = new DeviceRegistry();
    const bad: ShotlinePlugin = {
      name: '@lab/bad',
      register(r) {
        const { createController: _drop, ...rest } = extension('lab.bad');
        r.addDevice(rest as AnyDeviceExtension);
      },
    };
    await expect(registry.use(bad)).rejects.toThrow(
      /plugin @lab\/bad: device type "lab.bad" has no `createController\(\)`/,
    );
  });

  it('builds injectable extension classes through its container', async () => {
    const GREETING = Symbol.for('test.greeting');
    @injectable()
    class GreetingExtension {
      readonly type = 'lab.greeting';
      readonly configurationSchema = z.object({});
      constructor(@inject(GREETING) readonly greeting: string) {}
      get label(): string {
        return this.greeting;
      }
      defaultConfiguration = () => ({});
      createCompiler = () => ({ initializationParameters: () => ({}), compileShot: () => ({}) });
      createDevice = () => ({ open: async () => {}, close: async () => {} });
      createController = () => ({ runShot: async () => {} });
    }
    const registry = new DeviceRegistry();
    registry.container.registerInstance(GREETING, 'hello from the container');
    await registry.use({
      name: '@lab/injected',
      register: (r) => r.addDevice(GreetingExtension),
    });
    expect(registry.extension('lab.greeting').label).toBe('hello from the container');
  });

  it('keeps registrations of separate registries apart', async () => {
    const one = new DeviceRegistry();
    const two = new DeviceRegistry();
    one.addDevice(extension('lab.only-in-one'));
    expect(two.findExtension('lab.only-in-one')).toBeUndefined();
    expect(two.container.isRegistered(DEVICE_EXTENSION_TOKEN, true)).toBe(false);
  });

  it('throws an error naming an unknown device type', () => {
    const registry = new DeviceRegistry();
    expect(() => registry.extension('lab.nope', { device: 'cam' })).toThrow(UnknownDeviceTypeError);
    expect(() => registry.extension('lab.nope', { device: 'cam' })).toThrow(
      /"lab.nope".*device "cam"/,
    );
  });

  it('refuses a plugin registered twice and additions after register()', async () => {
    const registry = new DeviceRegistry();
    let kept: Parameters<ShotlinePlugin['register']>[0] | undefined;
    await registry.use({ name: '@lab/a', register: (r) => void (kept = r) });
    await expect(registry.use({ name: '@lab/a', register: () => {} })).rejects.toThrow(
      /already registered/,
    );
    expect(() => kept!.addDevice(extension('lab.late'))).toThrow(/after register/);
  });
});

describe('DeviceRegistry lane types', () => {
  const ddsLane = {
    type: 'dds',
    valueSchema: z.number(),
    decodeValue: (json: unknown) => json,
    create: () => {
      throw new Error('not needed here');
    },
  };

  it('adds a plugin lane type next to the built-in ones', async () => {
    const registry = new DeviceRegistry();
    const registered = await registry.use({
      name: '@lab/dds',
      register: (r) => r.addLaneType(ddsLane),
    });
    expect(registered.laneTypes).toEqual(['dds']);
    expect(registry.laneTypes.types).toEqual(
      expect.arrayContaining(['digital', 'analog', 'camera', 'dds']),
    );
    expect(registry.laneTypeProvider('dds')?.name).toBe('@lab/dds');
  });

  it('names both owners when a lane type tag is claimed twice', async () => {
    const registry = new DeviceRegistry();
    await registry.use({
      name: '@lab/dds',
      version: '1.0.0',
      register: (r) => r.addLaneType(ddsLane),
    });
    await expect(
      registry.use({
        name: '@other/dds',
        version: '2.0.0',
        register: (r) => r.addLaneType(ddsLane),
      }),
    ).rejects.toThrow(
      /lane type "dds" is provided by both @lab\/dds@1\.0\.0 and @other\/dds@2\.0\.0/,
    );
    await expect(
      registry.use({
        name: '@bad/digital',
        register: (r) => r.addLaneType({ ...ddsLane, type: 'digital' }),
      }),
    ).rejects.toThrow(
      /"digital" is provided by both @shotline\/core \(built-in\) and @bad\/digital/,
    );
  });
});
