import { ShotlineError, type ShotlineErrorOptions } from '../errors/index.js';

/** Names a plugin as `package@version` (or just the package). */
export function pluginLabel(name: string, version?: string): string {
  return version ? `${name}@${version}` : name;
}

/**
 * A plugin package could not be loaded: missing or malformed marker, entry that fails to import,
 * `register()` that throws. The message names the package and its version; `cause` keeps the
 * original error. Setup error: the other plugins load normally.
 */
export class PluginLoadError extends ShotlineError {
  static override readonly code: string = 'PLUGIN_LOAD';
  static override readonly recoverable: boolean = true;
  constructor(
    readonly packageName: string,
    readonly version: string | undefined,
    detail: string,
    options: ShotlineErrorOptions = {},
  ) {
    super(`plugin ${pluginLabel(packageName, version)}: ${detail}`, {
      ...options,
      location: { plugin: packageName, ...(options.location ?? {}) },
    });
  }
}

/** The package declares a plugin API version this core does not support. */
export class IncompatiblePluginError extends PluginLoadError {
  static override readonly code: string = 'PLUGIN_INCOMPATIBLE';
}

/** Two plugins (or a plugin and the application) claim the same device or lane type tag. */
export class DuplicateTypeTagError extends ShotlineError {
  static override readonly code: string = 'DUPLICATE_TYPE_TAG';
  static override readonly recoverable: boolean = true;
  constructor(
    readonly kind: 'device' | 'lane',
    readonly typeTag: string,
    readonly existingOwner: string,
    readonly newOwner: string,
  ) {
    super(
      `${kind} type "${typeTag}" is provided by both ${existingOwner} and ${newOwner}; ` +
        `uninstall one of them or leave one out of the plugin list`,
    );
  }
}

/** No loaded plugin provides a device type used by a device configuration. */
export class UnknownDeviceTypeError extends ShotlineError {
  static override readonly code: string = 'UNKNOWN_DEVICE_TYPE';
  static override readonly recoverable: boolean = true;
  constructor(
    readonly typeTag: string,
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `no loaded plugin provides device type "${typeTag}" (install the package that provides it, ` +
        `or check the plugin load report)`,
      options,
    );
  }
}
