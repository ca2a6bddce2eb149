import { fileURLToPath } from 'node:url';
import type { ShotlineEventBus } from '../events/index.js';
import type { DeviceRegistry } from './device-registry.js';
import {
  discoverPlugins,
  type DiscoverPluginsOptions,
  type PluginDiscovery,
  type PluginProblem,
} from './discover-plugins.js';
import { DuplicateTypeTagError, PluginLoadError, pluginLabel } from './plugin-errors.js';
import { pluginFromModule, type ShotlinePlugin } from './shotline-plugin.js';

/** A plugin that was imported and registered. */
export interface LoadedPlugin {
  readonly packageName: string;
  readonly version?: string;
  /** Where its code was loaded from (`file:` URL). */
  readonly entryUrl: string;
  /** Device type tags it registered. */
  readonly deviceTypes: readonly string[];
  /** Lane type tags it registered. */
  readonly laneTypes: readonly string[];
}

/**
 * The outcome of {@link loadPlugins}: what was loaded (package, version, entry, device types) and
 * what failed (package, version, cause). Loading never stops at a broken plugin.
 */
export interface PluginLoadReport {
  readonly loaded: readonly LoadedPlugin[];
  readonly failed: readonly PluginProblem[];
  /** Plugin packages found but not in the allow-list. */
  readonly ignored: readonly { packageName: string; version?: string }[];
}

/** Options of {@link loadPlugins}. */
export interface LoadPluginsOptions {
  /** Receives one `log` event per plugin loaded (info), failed (error) or ignored (warn). */
  readonly events?: ShotlineEventBus;
}

type Imported = { ok: true; plugin: ShotlinePlugin } | { ok: false; error: PluginLoadError };

async function importPlugin(
  packageName: string,
  version: string | undefined,
  entryUrl: string,
): Promise<Imported> {
  let module: Record<string, unknown>;
  try {
    module = (await import(entryUrl)) as Record<string, unknown>;
  } catch (e) {
    return {
      ok: false,
      error: new PluginLoadError(packageName, version, `cannot import ${entryUrl}: ${String(e)}`, {
        cause: e,
      }),
    };
  }
  const plugin = pluginFromModule(module);
  if (!plugin) {
    return {
      ok: false,
      error: new PluginLoadError(
        packageName,
        version,
        `${entryUrl} exports no plugin (expected a default or \`plugin\` export with a name and register())`,
      ),
    };
  }
  return { ok: true, plugin };
}

/**
 * Imports discovered plugins and registers them in `registry`, in package-name order. A plugin that
 * cannot be imported, exports no plugin, fails in `register()` or claims a type tag another package
 * already provides is reported in `failed` (with its package name, version and cause) and registers
 * nothing; the others load normally. Every plugin loaded is reported, so a lab always knows which
 * code it runs.
 */
export async function loadPlugins(
  discovery: PluginDiscovery,
  registry: DeviceRegistry,
  options: LoadPluginsOptions = {},
): Promise<PluginLoadReport> {
  const imports = await Promise.all(
    discovery.plugins.map((p) => importPlugin(p.packageName, p.version, p.entryUrl)),
  );
  const loaded: LoadedPlugin[] = [];
  const failed: PluginProblem[] = [...discovery.problems];
  for (const [i, discovered] of discovery.plugins.entries()) {
    const imported = imports[i]!;
    const { packageName, version, entryUrl } = discovered;
    const versionField = version === undefined ? {} : { version };
    if (!imported.ok) {
      failed.push({ packageName, ...versionField, error: imported.error });
      continue;
    }
    const plugin = imported.plugin;
    // The package is the plugin's identity (whatever name the object carries).
    const asPackage: ShotlinePlugin = {
      name: packageName,
      ...versionField,
      moduleUrl: entryUrl,
      register: (r) => plugin.register(r),
    };
    try {
      const registered = await registry.use(asPackage, {
        ...versionField,
        moduleUrl: entryUrl,
        source: 'discovered',
      });
      loaded.push({
        packageName,
        ...versionField,
        entryUrl,
        deviceTypes: registered.deviceTypes,
        laneTypes: registered.laneTypes,
      });
    } catch (e) {
      const error =
        e instanceof PluginLoadError
          ? e
          : new PluginLoadError(
              packageName,
              version,
              e instanceof DuplicateTypeTagError ? e.detail : `cannot be registered: ${String(e)}`,
              { cause: e },
            );
      failed.push({ packageName, ...versionField, error });
    }
  }
  failed.sort((a, b) =>
    a.packageName < b.packageName ? -1 : a.packageName > b.packageName ? 1 : 0,
  );
  const report: PluginLoadReport = { loaded, failed, ignored: discovery.ignored };
  if (options.events) {
    for (const line of describePluginReport(report)) {
      options.events.emit({ type: 'log', ...line });
    }
  }
  return report;
}

/** Discovers the plugins of a project and loads them (see {@link discoverPlugins}, {@link loadPlugins}). */
export async function discoverAndLoadPlugins(
  root: string,
  registry: DeviceRegistry,
  options: DiscoverPluginsOptions & LoadPluginsOptions = {},
): Promise<PluginLoadReport> {
  return loadPlugins(await discoverPlugins(root, options), registry, options);
}

/** One line per plugin of a report, for logs and the CLI. */
export function describePluginReport(
  report: PluginLoadReport,
): { level: 'info' | 'warn' | 'error'; message: string; plugin: string }[] {
  const lines: { level: 'info' | 'warn' | 'error'; message: string; plugin: string }[] = [];
  for (const p of report.loaded) {
    const types = p.deviceTypes.length > 0 ? p.deviceTypes.join(', ') : 'none';
    const lanes = p.laneTypes.length > 0 ? `; lane types: ${p.laneTypes.join(', ')}` : '';
    lines.push({
      level: 'info',
      plugin: p.packageName,
      message: `loaded plugin ${pluginLabel(p.packageName, p.version)} from ${fileURLToPath(p.entryUrl)} (device types: ${types}${lanes})`,
    });
  }
  for (const p of report.failed) {
    lines.push({ level: 'error', plugin: p.packageName, message: p.error.message });
  }
  for (const p of report.ignored) {
    lines.push({
      level: 'warn',
      plugin: p.packageName,
      message: `plugin ${pluginLabel(p.packageName, p.version)} is installed but not in the allow-list; not loaded`,
    });
  }
  return lines;
}
