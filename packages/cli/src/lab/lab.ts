import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  DeviceRegistry,
  ExperimentSession,
  discoverAndLoadPlugins,
  type PluginLoadReport,
  type SessionStorage,
} from '@shotline/core';
import { LabConfigError } from '../cli-errors.js';
import { SourceDocument, displayPath } from '../input/source-document.js';
import { LAB_CONFIG_FILE, labConfigSchema, type LabConfig } from './lab-config.js';
import { registerLabRemoteServers } from '../remote/lab-remote-servers.js';
import { pluginRoot } from './plugin-root.js';
import { openStorage, parseStorageUrl, type StorageTarget } from './storage-url.js';

/** Where a lab is: its folder and configuration file. */
export interface LabLocation {
  readonly dir: string;
  readonly configFile: string;
}

/**
 * Finds the lab to work on: `explicit` (a folder or a configuration file, from `--lab`), else the
 * `SHOTLINE_LAB` environment variable, else the nearest folder at or above the working directory
 * that holds a `shotline.yaml`.
 */
export function locateLab(explicit: string | undefined): LabLocation {
  const given = explicit ?? process.env.SHOTLINE_LAB;
  if (given !== undefined && given !== '') {
    const path = resolve(given);
    const isDir = existsSync(path) && statSync(path).isDirectory();
    const configFile = isDir ? join(path, LAB_CONFIG_FILE) : path;
    if (!existsSync(configFile)) {
      throw new LabConfigError(
        `no lab configuration at ${displayPath(configFile)}; create one with "shotline init ${displayPath(isDir ? path : dirname(path))}"`,
        { location: { file: displayPath(configFile) } },
      );
    }
    return { dir: dirname(configFile), configFile };
  }
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, LAB_CONFIG_FILE);
    if (existsSync(candidate)) return { dir, configFile: candidate };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new LabConfigError(
    `no ${LAB_CONFIG_FILE} in ${process.cwd()} or its parents: run "shotline init <folder>" and pass --lab <folder> (or set SHOTLINE_LAB)`,
  );
}

/** Reads and validates a lab configuration file; errors name the file, line and column. */
export async function readLabConfig(configFile: string): Promise<LabConfig> {
  const source = await SourceDocument.read(configFile, LabConfigError);
  return source.validate(labConfigSchema, LabConfigError);
}

/** Options of {@link Lab.open}. */
export interface OpenLabOptions {
  /** Load the device plugins (default true). */
  readonly plugins?: boolean;
  /** How SQLite writes (see {@link OpenStorageOptions.writer}); runs use `worker`. */
  readonly writer?: 'worker' | 'inline';
}

/**
 * An open lab: its configuration, storage, device registry (plugins loaded) and the typed session.
 * Close it when done (`await using` works too).
 */
export class Lab implements AsyncDisposable {
  private constructor(
    readonly location: LabLocation,
    readonly config: LabConfig,
    readonly storageTarget: StorageTarget,
    readonly storage: SessionStorage,
    readonly registry: DeviceRegistry,
    readonly pluginReport: PluginLoadReport,
    readonly pluginRoot: string,
  ) {}

  /** The typed façade over the storage. */
  get session(): ExperimentSession {
    return new ExperimentSession(this.storage, this.registry);
  }

  /** Opens the lab at `location`: reads the configuration, opens the storage, loads the plugins. */
  static async open(location: LabLocation, options: OpenLabOptions = {}): Promise<Lab> {
    const config = await readLabConfig(location.configFile);
    const where = displayPath(location.configFile);
    const target = parseStorageUrl(config.storage, location.dir, where);
    const registry = new DeviceRegistry();
    const root = pluginRoot(location.dir, config.plugins.root);
    const report: PluginLoadReport =
      options.plugins === false
        ? { loaded: [], failed: [], ignored: [] }
        : await discoverAndLoadPlugins(root, registry, {
            ...(config.plugins.allow ? { allow: config.plugins.allow } : {}),
            ...(config.plugins.packages ? { packages: config.plugins.packages } : {}),
          });
    const storage = await openStorage(target, options.writer ? { writer: options.writer } : {});
    const lab = new Lab(location, config, target, storage, registry, report, root);
    lab.remoteServers = registerLabRemoteServers(lab);
    return lab;
  }

  /** The device servers of the lab file, if it names any. */
  private remoteServers: { close(): void } | undefined;

  /** Releases the storage and the connections to device servers. */
  async close(): Promise<void> {
    this.remoteServers?.close();
    await this.storage.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
