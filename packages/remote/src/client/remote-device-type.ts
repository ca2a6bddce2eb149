import {
  DEVICE_REGISTRY_TOKEN,
  deviceNotUsed,
  inject,
  injectable,
  isDeviceNotUsed,
  isTriggerableCompiler,
  type AnyDeviceExtension,
  type DeviceCompiler,
  type DeviceExtension,
  type DeviceNotUsed,
  type DeviceRegistry,
  type SequenceContext,
} from '@shotline/core';
import { z } from 'zod';
import { RemoteConfigurationError } from '../remote-errors.js';
import { RemoteController } from './remote-controller.js';
import { RemoteDevice } from './remote-device.js';
import { RemoteServers } from './remote-servers.js';

/** Type tag of a device that runs on a device server. */
export const REMOTE_DEVICE_TYPE = 'shotline.remote';

/** A device on a device server: which server, and the device's own type and configuration. */
export interface RemoteDeviceConfiguration {
  /** The server's name in the lab file (`camera-pc`). */
  readonly server: string;
  /** The device's type tag (its plugin must be installed on both PCs, in the same version). */
  readonly type: string;
  /** The device's configuration, as its type's schema describes it. */
  readonly configuration: unknown;
}

/** What the compiler of a remote device gives `createDevice`. */
interface RemoteInitParameters {
  readonly server: string;
  readonly type: string;
  readonly parameters: unknown;
}

const serverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a server name is letters, digits, ".", "_" or "-"');

/**
 * The `shotline.remote` device type: a device whose `Device` and `runShot` run on a device server
 * (`server: camera-pc`) while it compiles here, with its own type's compiler. Its configuration
 * names the server, the device's type and that type's configuration (validated by that type's
 * schema). The lab file maps the server's name to its address and credentials.
 *
 * ```yaml
 * name: cam
 * type: shotline.remote
 * configuration:
 *   server: camera-pc
 *   type: shotline.camera.simulated
 *   configuration: { roi: { x: 0, y: 0, width: 512, height: 512 } }
 * ```
 */
@injectable()
export class RemoteDeviceType implements DeviceExtension<
  RemoteDeviceConfiguration,
  RemoteInitParameters,
  unknown,
  RemoteDevice
> {
  readonly type = REMOTE_DEVICE_TYPE;
  readonly label = 'Device on a device server';
  readonly configurationSchema: z.ZodType<RemoteDeviceConfiguration>;

  constructor(@inject(DEVICE_REGISTRY_TOKEN) private readonly registry: DeviceRegistry) {
    this.configurationSchema = z
      .object({ server: serverName, type: z.string().min(1), configuration: z.unknown() })
      .strict()
      .superRefine((value, context) => {
        if (value.type === REMOTE_DEVICE_TYPE) {
          context.addIssue({
            code: 'custom',
            path: ['type'],
            message:
              'a remote device names the type of the device on the server, not shotline.remote',
          });
          return;
        }
        const inner = registry.findExtension(value.type);
        if (!inner) {
          context.addIssue({
            code: 'custom',
            path: ['type'],
            message: `no installed plugin provides device type "${value.type}" (this PC compiles the device, so its plugin must be installed here as well as on the server)`,
          });
          return;
        }
        const parsed = inner.configurationSchema.safeParse(value.configuration);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            context.addIssue({
              code: 'custom',
              path: [
                'configuration',
                ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
              ],
              message: issue.message,
            });
          }
        }
      }) as unknown as z.ZodType<RemoteDeviceConfiguration>;
  }

  defaultConfiguration(): RemoteDeviceConfiguration {
    return { server: 'device-server', type: '', configuration: {} };
  }

  private inner(configuration: RemoteDeviceConfiguration): AnyDeviceExtension {
    return this.registry.extension(configuration.type);
  }

  createCompiler(
    deviceName: string,
    configuration: RemoteDeviceConfiguration,
    sequence: SequenceContext,
  ): DeviceCompiler<RemoteInitParameters> | DeviceNotUsed {
    const inner = this.inner(configuration);
    const parsed: unknown = inner.configurationSchema.parse(configuration.configuration);
    const compiler = inner.createCompiler(deviceName, parsed, sequence);
    if (isDeviceNotUsed(compiler)) return deviceNotUsed(compiler.reason);
    const { server, type } = configuration;
    const wrapped: DeviceCompiler<RemoteInitParameters> = {
      initializationParameters: (): RemoteInitParameters => {
        const parameters: unknown = compiler.initializationParameters();
        return { server, type, parameters };
      },
      compileShot: (shot): unknown => compiler.compileShot(shot) as unknown,
    };
    // A sequencer may trigger the device: its trigger is computed here, like any compiler's.
    if (isTriggerableCompiler(compiler)) {
      return Object.assign(wrapped, {
        computeTrigger: compiler.computeTrigger.bind(compiler),
      });
    }
    return wrapped;
  }

  /** The device's own type is compiled here: compile workers must load its plugin too. */
  compilerDependencies(configuration: RemoteDeviceConfiguration): readonly string[] {
    return [configuration.type];
  }

  createDevice(deviceName: string, init: RemoteInitParameters): RemoteDevice {
    const provider = this.registry.providerOf(init.type);
    return new RemoteDevice({
      server: init.server,
      connection: () => {
        const servers = RemoteServers.of(this.registry.container);
        if (!servers) {
          throw new RemoteConfigurationError(
            `device "${deviceName}" runs on device server "${init.server}", but this lab defines no device servers; add it under "servers:" in the lab file`,
            { location: { device: deviceName } },
          );
        }
        return servers.connection(init.server);
      },
      deviceName,
      type: init.type,
      ...(provider
        ? {
            plugin: {
              name: provider.name,
              ...(provider.version ? { version: provider.version } : {}),
            },
          }
        : {}),
      initParameters: init.parameters,
    });
  }

  createController(): RemoteController {
    return new RemoteController();
  }

  dataLabels(
    deviceName: string,
    configuration: RemoteDeviceConfiguration,
    sequence: SequenceContext,
  ): string[] {
    const inner = this.inner(configuration);
    const parsed: unknown = inner.configurationSchema.parse(configuration.configuration);
    return inner.dataLabels?.(deviceName, parsed, sequence) ?? [];
  }
}
