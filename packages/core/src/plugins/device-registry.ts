import { ContractViolationError, type ErrorLocation } from '../errors/index.js';
import type { AnyDeviceExtension } from '../device/index.js';
import { LaneTypeRegistry, type LaneTypeDefinition } from '../time-lanes/index.js';
import {
  DEVICE_EXTENSION_TOKEN,
  DEVICE_REGISTRY_TOKEN,
  createShotlineContainer,
  type DependencyContainer,
} from './container.js';
import {
  DuplicateTypeTagError,
  PluginLoadError,
  UnknownDeviceTypeError,
  pluginLabel,
} from './plugin-errors.js';
import type { DeviceExtensionSource, PluginRegistry, ShotlinePlugin } from './shotline-plugin.js';

/** A plugin the registry holds, with what it registered. */
export interface RegisteredPlugin {
  readonly name: string;
  readonly version?: string;
  /** Where compile workers load it from; absent for plugins registered without a module URL. */
  readonly moduleUrl?: string;
  /** Device type tags it provides, in registration order. */
  readonly deviceTypes: readonly string[];
  /** Lane type tags it provides. */
  readonly laneTypes: readonly string[];
  /** `discovered` (found in node_modules or an explicit package list) or `explicit` (`use()`). */
  readonly source: 'discovered' | 'explicit';
}

/** Where a plugin comes from, as known to the loader (overrides what the plugin object says). */
export interface PluginOrigin {
  version?: string;
  moduleUrl?: string;
  source?: 'discovered' | 'explicit';
}

/** Owner name of extensions added directly with {@link DeviceRegistry.addDevice}. */
const APPLICATION = '(application)';

interface Entry {
  readonly extension: AnyDeviceExtension;
  /** Undefined for extensions added directly by the application. */
  readonly plugin: RegisteredPlugin | undefined;
}

function ownerLabel(plugin: RegisteredPlugin | undefined): string {
  return plugin ? pluginLabel(plugin.name, plugin.version) : APPLICATION;
}

/** Describes what is wrong with an object that should be a device extension, or undefined. */
function extensionDefect(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a device extension must be an object';
  const ext = value as Partial<Record<keyof AnyDeviceExtension, unknown>>;
  if (typeof ext.type !== 'string' || ext.type.trim() === '') {
    return 'a device extension needs a non-empty string `type`';
  }
  if (typeof ext.label !== 'string') return `device type "${ext.type}" has no string \`label\``;
  const schema = ext.configurationSchema as { safeParse?: unknown } | undefined;
  if (typeof schema?.safeParse !== 'function') {
    return `device type "${ext.type}" has no zod \`configurationSchema\``;
  }
  for (const method of [
    'defaultConfiguration',
    'createCompiler',
    'createDevice',
    'createController',
  ] as const) {
    if (typeof ext[method] !== 'function') {
      return `device type "${ext.type}" has no \`${method}()\``;
    }
  }
  return undefined;
}

function laneTypeDefect(value: unknown): string | undefined {
  const def = value as Partial<LaneTypeDefinition> | null;
  if (typeof def !== 'object' || def === null || typeof def.type !== 'string' || def.type === '') {
    return 'a lane type needs a non-empty string `type`';
  }
  if (typeof def.decodeValue !== 'function' || typeof def.create !== 'function') {
    return `lane type "${def.type}" needs decodeValue() and create()`;
  }
  if (typeof (def.valueSchema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    return `lane type "${def.type}" has no zod \`valueSchema\``;
  }
  return undefined;
}

/**
 * The device extensions of one lab (or one test), backed by a tsyringe child container.
 *
 * Plugins are added with {@link use} (explicit registration, also what {@link loadPlugins} does for
 * discovered packages); each plugin's registrations are applied all together or not at all. A type
 * tag can be provided by one owner only: a second claim is a {@link DuplicateTypeTagError} naming both.
 * Every extension is also registered in the container under {@link DEVICE_EXTENSION_TOKEN}.
 */
export class DeviceRegistry {
  /** The container of this registry (a child of the one given, or of tsyringe's root). */
  readonly container: DependencyContainer;
  /** Lane types known to this lab: the built-in ones and those of the plugins. */
  readonly laneTypes: LaneTypeRegistry = LaneTypeRegistry.withBuiltins();
  private readonly entries = new Map<string, Entry>();
  private readonly laneOwners = new Map<string, RegisteredPlugin | undefined>();
  private readonly registeredPlugins: RegisteredPlugin[] = [];

  constructor(options: { parent?: DependencyContainer } = {}) {
    this.container = createShotlineContainer(options.parent);
    this.container.registerInstance(DEVICE_REGISTRY_TOKEN, this);
  }

  /**
   * Registers a plugin: calls its `register()` with a registry scoped to it, then adds everything it
   * registered at once. Throws a {@link PluginLoadError} (nothing added) when `register()` fails or
   * registers something invalid, and a {@link DuplicateTypeTagError} when a type is already taken.
   */
  async use(plugin: ShotlinePlugin, origin: PluginOrigin = {}): Promise<RegisteredPlugin> {
    const version = origin.version ?? plugin.version;
    const moduleUrl = origin.moduleUrl ?? plugin.moduleUrl;
    if (this.registeredPlugins.some((p) => p.name === plugin.name)) {
      throw new PluginLoadError(plugin.name, version, 'is already registered');
    }
    const pending: AnyDeviceExtension[] = [];
    const pendingLanes: LaneTypeDefinition[] = [];
    let open = true;
    const scoped: PluginRegistry = {
      container: this.container,
      addDevice: (source) => {
        if (!open) {
          throw new PluginLoadError(plugin.name, version, 'addDevice() called after register()');
        }
        pending.push(
          this.build(source, (detail, cause) => {
            return new PluginLoadError(plugin.name, version, detail, { cause });
          }),
        );
      },
      addLaneType: (definition) => {
        if (!open) {
          throw new PluginLoadError(plugin.name, version, 'addLaneType() called after register()');
        }
        const defect = laneTypeDefect(definition);
        if (defect) throw new PluginLoadError(plugin.name, version, defect);
        pendingLanes.push(definition);
      },
    };
    try {
      await plugin.register(scoped);
    } catch (e) {
      if (e instanceof PluginLoadError && e.packageName === plugin.name) throw e;
      throw new PluginLoadError(plugin.name, version, `register() failed: ${String(e)}`, {
        cause: e,
      });
    } finally {
      open = false;
    }
    const registered: RegisteredPlugin = {
      name: plugin.name,
      ...(version === undefined ? {} : { version }),
      ...(moduleUrl === undefined ? {} : { moduleUrl }),
      deviceTypes: pending.map((e) => e.type),
      laneTypes: pendingLanes.map((l) => l.type),
      source: origin.source ?? 'explicit',
    };
    this.commit(pending, pendingLanes, registered);
    this.registeredPlugins.push(registered);
    return registered;
  }

  /**
   * Adds a device extension directly, outside any plugin (bundled applications, scripts, tests).
   * Sequences using it compile on the main thread, since workers cannot load it.
   */
  addDevice(source: DeviceExtensionSource): void {
    const extension = this.build(source, (detail, cause) => {
      return new ContractViolationError(detail, { cause });
    });
    this.commit([extension], [], undefined);
  }

  /** Adds a lane type directly, outside any plugin. */
  addLaneType(definition: LaneTypeDefinition): void {
    const defect = laneTypeDefect(definition);
    if (defect) throw new ContractViolationError(defect);
    this.commit([], [definition], undefined);
  }

  /** The extension of a device type; throws {@link UnknownDeviceTypeError} naming it. */
  extension(type: string, location?: ErrorLocation): AnyDeviceExtension {
    const entry = this.entries.get(type);
    if (!entry) throw new UnknownDeviceTypeError(type, location ? { location } : {});
    return entry.extension;
  }

  /** The extension of a device type, or undefined. */
  findExtension(type: string): AnyDeviceExtension | undefined {
    return this.entries.get(type)?.extension;
  }

  /** All extensions, sorted by type tag. */
  extensions(): AnyDeviceExtension[] {
    return [...this.entries.values()]
      .map((e) => e.extension)
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  /** The registered plugins, in registration order. */
  plugins(): readonly RegisteredPlugin[] {
    return this.registeredPlugins;
  }

  /** The plugin that provides a lane type; undefined for built-in or application lane types. */
  laneTypeProvider(type: string): RegisteredPlugin | undefined {
    return this.laneOwners.get(type);
  }

  /** The plugin that provides a device type; undefined if unknown or added by the application. */
  providerOf(type: string): RegisteredPlugin | undefined {
    return this.entries.get(type)?.plugin;
  }

  private build(
    source: DeviceExtensionSource,
    fail: (detail: string, cause?: unknown) => Error,
  ): AnyDeviceExtension {
    let extension: unknown = source;
    if (typeof source !== 'object') {
      const name = typeof source === 'function' ? source.name : String(source);
      try {
        extension = this.container.resolve(source);
      } catch (e) {
        throw fail(`could not build device extension ${name}: ${String(e)}`, e);
      }
    }
    const defect = extensionDefect(extension);
    if (defect) throw fail(defect);
    return extension as AnyDeviceExtension;
  }

  private commit(
    extensions: readonly AnyDeviceExtension[],
    lanes: readonly LaneTypeDefinition[],
    plugin: RegisteredPlugin | undefined,
  ): void {
    const seenLanes = new Set<string>();
    for (const lane of lanes) {
      if (this.laneTypes.has(lane.type) || seenLanes.has(lane.type)) {
        const existing = this.laneOwners.has(lane.type)
          ? ownerLabel(this.laneOwners.get(lane.type))
          : seenLanes.has(lane.type)
            ? ownerLabel(plugin)
            : '@shotline/core (built-in)';
        throw new DuplicateTypeTagError('lane', lane.type, existing, ownerLabel(plugin));
      }
      seenLanes.add(lane.type);
    }
    const seen = new Set<string>();
    for (const extension of extensions) {
      const existing = this.entries.get(extension.type);
      if (existing) {
        throw new DuplicateTypeTagError(
          'device',
          extension.type,
          ownerLabel(existing.plugin),
          ownerLabel(plugin),
        );
      }
      if (seen.has(extension.type)) {
        throw new DuplicateTypeTagError(
          'device',
          extension.type,
          ownerLabel(plugin),
          ownerLabel(plugin),
        );
      }
      seen.add(extension.type);
    }
    for (const extension of extensions) {
      this.entries.set(extension.type, { extension, plugin });
      this.container.register(DEVICE_EXTENSION_TOKEN, { useValue: extension });
    }
    for (const lane of lanes) {
      this.laneTypes.register(lane);
      this.laneOwners.set(lane.type, plugin);
    }
  }
}
