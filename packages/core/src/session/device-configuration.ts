import { RecoverableError, type ShotlineErrorOptions } from '../errors/index.js';
import type { DeviceRegistry } from '../plugins/index.js';
import type { JsonValue, StoredDeviceConfiguration } from '../storage/index.js';

/**
 * A device of the lab: its name, the type tag of the extension that drives it, and its configuration
 * (validated by that extension's zod schema).
 */
export interface DeviceConfiguration<Config = unknown> {
  readonly name: string;
  readonly type: string;
  readonly configuration: Config;
}

/** A device configuration that its extension's schema rejects; names the device, type and fields. */
export class InvalidDeviceConfigurationError extends RecoverableError {
  static override readonly code: string = 'INVALID_DEVICE_CONFIGURATION';
  constructor(
    readonly deviceName: string,
    detail: string,
    options: ShotlineErrorOptions = {},
  ) {
    super(detail, { ...options, location: { device: deviceName, ...(options.location ?? {}) } });
  }
}

/**
 * Validates a configuration against its extension's schema. A missing plugin is an
 * {@link UnknownDeviceTypeError} naming the device and the type; a rejected configuration an
 * {@link InvalidDeviceConfigurationError} listing the offending fields.
 */
export function parseDeviceConfiguration(
  registry: DeviceRegistry,
  stored: { name: string; type: string; configuration: unknown },
): DeviceConfiguration {
  if (typeof stored.name !== 'string' || stored.name.trim() === '') {
    throw new InvalidDeviceConfigurationError(
      String(stored.name),
      'a device needs a non-empty name',
    );
  }
  const extension = registry.extension(stored.type, { device: stored.name });
  const parsed = extension.configurationSchema.safeParse(stored.configuration);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(configuration)'}: ${i.message}`)
      .join('; ');
    throw new InvalidDeviceConfigurationError(
      stored.name,
      `the configuration of device type "${stored.type}" is invalid: ${issues}`,
    );
  }
  return { name: stored.name, type: stored.type, configuration: parsed.data };
}

/** The stored (JSON) form of a configuration, validated first. */
export function storedDeviceConfiguration(
  registry: DeviceRegistry,
  configuration: DeviceConfiguration,
): StoredDeviceConfiguration {
  const parsed = parseDeviceConfiguration(registry, configuration);
  return {
    name: parsed.name,
    type: parsed.type,
    configuration: parsed.configuration as JsonValue,
  };
}
