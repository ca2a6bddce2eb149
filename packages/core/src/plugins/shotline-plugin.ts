import type { AnyDeviceExtension } from '../device/index.js';
import type { LaneTypeDefinition } from '../time-lanes/index.js';
import type { DependencyContainer, InjectionToken } from './container.js';

/** The plugin API version this core implements; packages declare it in their `shotline` marker. */
export const PLUGIN_API_VERSION = 1;

/** A device extension, or an injectable class that the registry's container builds. */
export type DeviceExtensionSource = AnyDeviceExtension | InjectionToken<AnyDeviceExtension>;

/**
 * What a plugin sees while it registers: where to add device extensions (and, through the container,
 * the services it may inject).
 */
export interface PluginRegistry {
  /** The lab's (or test's) container; resolve injectable classes from it. */
  readonly container: DependencyContainer;
  /**
   * Adds a device extension. A class (decorated with `@injectable()`) is built through the
   * container, so its constructor can `@inject()` core services.
   */
  addDevice(extension: DeviceExtensionSource): void;
  /** Adds a time-lane type (e.g. a `dds` lane) so sequences using it can be loaded. */
  addLaneType(definition: LaneTypeDefinition): void;
}

/**
 * A package's entry point (the module named by its `"shotline": { "plugin": ... }` marker exports
 * it as `default` or as `plugin`).
 *
 * `moduleUrl` lets compile worker threads load the plugin again (they rebuild the device compilers
 * once per sequence from serialisable inputs); discovery sets it from the marker. A plugin registered
 * explicitly without `moduleUrl` still works, but its sequences compile on the main thread.
 */
export interface ShotlinePlugin {
  /** Package name, e.g. `@shotline/camera`. */
  readonly name: string;
  readonly version?: string;
  /** URL of the module that exports this plugin (usually `import.meta.url`). */
  readonly moduleUrl?: string;
  /** Adds the plugin's extensions. May be asynchronous. */
  register(registry: PluginRegistry): void | Promise<void>;
}

/** True if a value has the shape of a {@link ShotlinePlugin}. */
export function isShotlinePlugin(value: unknown): value is ShotlinePlugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ShotlinePlugin).name === 'string' &&
    typeof (value as ShotlinePlugin).register === 'function'
  );
}

/**
 * The plugin exported by a module: its `default` export, or a named `plugin` export.
 * Returns undefined when the module exports neither.
 */
export function pluginFromModule(module: Record<string, unknown>): ShotlinePlugin | undefined {
  for (const candidate of [module.default, module.plugin]) {
    if (isShotlinePlugin(candidate)) return candidate;
  }
  return undefined;
}
