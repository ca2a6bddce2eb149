import { access, readFile, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { IncompatiblePluginError, PluginLoadError } from './plugin-errors.js';
import { PLUGIN_API_VERSION } from './shotline-plugin.js';

/** The `"shotline"` field of a plugin package's `package.json`. */
export const pluginMarkerSchema = z.object({
  /** Entry module, relative to the package, e.g. `./dist/plugin.js`. */
  plugin: z.string().min(1),
  /** Plugin API version the package was written for. */
  apiVersion: z.number().int().positive(),
});

/** A plugin package's marker (`"shotline": { "plugin": "./dist/plugin.js", "apiVersion": 1 }`). */
export type PluginMarker = z.infer<typeof pluginMarkerSchema>;

/** A package found with a valid, compatible marker; not imported yet. */
export interface DiscoveredPlugin {
  readonly packageName: string;
  readonly version?: string;
  /** Real directory of the package (symlinks resolved). */
  readonly packageDir: string;
  /** `file:` URL of the entry module. */
  readonly entryUrl: string;
  readonly apiVersion: number;
}

/** A package that declares a plugin but cannot be used, with the reason. */
export interface PluginProblem {
  readonly packageName: string;
  readonly version?: string;
  readonly error: PluginLoadError;
}

/** What {@link discoverPlugins} found. */
export interface PluginDiscovery {
  /** The project directory that was searched. */
  readonly root: string;
  /** Usable plugins, sorted by package name. */
  readonly plugins: readonly DiscoveredPlugin[];
  /** Packages with a broken or incompatible marker, or explicitly listed and missing. */
  readonly problems: readonly PluginProblem[];
  /** Plugin packages found but left out because they are not in the allow-list. */
  readonly ignored: readonly { packageName: string; version?: string }[];
}

/** Options of {@link discoverPlugins}. */
export interface DiscoverPluginsOptions {
  /**
   * Use exactly these packages (resolved from `root/node_modules` and its parents) instead of
   * scanning. A listed package that is missing or has no marker is a problem.
   */
  readonly packages?: readonly string[];
  /** Only load plugins from these packages; other plugin packages found are reported as ignored. */
  readonly allow?: readonly string[];
}

interface PackageCandidate {
  name: string;
  dir: string;
  /** True when the package was asked for by name, so a missing marker is a problem. */
  required: boolean;
}

async function scanNodeModules(root: string): Promise<PackageCandidate[]> {
  const base = join(root, 'node_modules');
  let entries;
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch {
    return [];
  }
  const candidates: PackageCandidate[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.name.startsWith('.')) return;
      if (!entry.isDirectory() && !entry.isSymbolicLink()) return;
      if (entry.name.startsWith('@')) {
        let scoped;
        try {
          scoped = await readdir(join(base, entry.name), { withFileTypes: true });
        } catch {
          return;
        }
        for (const inner of scoped) {
          if (inner.name.startsWith('.')) continue;
          if (!inner.isDirectory() && !inner.isSymbolicLink()) continue;
          const name = `${entry.name}/${inner.name}`;
          candidates.push({ name, dir: join(base, name), required: false });
        }
      } else {
        candidates.push({ name: entry.name, dir: join(base, entry.name), required: false });
      }
    }),
  );
  return candidates;
}

async function findInstalled(root: string, name: string): Promise<string | undefined> {
  let dir = resolve(root);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    try {
      await access(join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not here; try the parent directory
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type Inspection =
  | { kind: 'plugin'; plugin: DiscoveredPlugin }
  | { kind: 'problem'; problem: PluginProblem }
  | { kind: 'none' };

async function inspect(candidate: PackageCandidate): Promise<Inspection> {
  let text: string;
  try {
    text = await readFile(join(candidate.dir, 'package.json'), 'utf8');
  } catch (e) {
    if (!candidate.required) return { kind: 'none' };
    return problem(candidate.name, undefined, 'has no readable package.json', e);
  }
  let pkg: { name?: unknown; version?: unknown; shotline?: unknown };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch (e) {
    if (!candidate.required) return { kind: 'none' };
    return problem(candidate.name, undefined, 'has an invalid package.json', e);
  }
  const name = typeof pkg.name === 'string' ? pkg.name : candidate.name;
  const version = typeof pkg.version === 'string' ? pkg.version : undefined;
  if (pkg.shotline === undefined) {
    if (!candidate.required) return { kind: 'none' };
    return problem(name, version, 'has no "shotline" plugin marker in its package.json');
  }
  const marker = pluginMarkerSchema.safeParse(pkg.shotline);
  if (!marker.success) {
    const issues = marker.error.issues
      .map((i) => `${i.path.join('.') || '(marker)'}: ${i.message}`)
      .join('; ');
    return problem(
      name,
      version,
      `invalid "shotline" marker (expected {"plugin": "./dist/plugin.js", "apiVersion": ${PLUGIN_API_VERSION}}): ${issues}`,
    );
  }
  if (marker.data.apiVersion !== PLUGIN_API_VERSION) {
    return {
      kind: 'problem',
      problem: {
        packageName: name,
        ...(version === undefined ? {} : { version }),
        error: new IncompatiblePluginError(
          name,
          version,
          `declares plugin API version ${marker.data.apiVersion}, but this @shotline/core supports ` +
            `version ${PLUGIN_API_VERSION}; install a version of the package made for it`,
        ),
      },
    };
  }
  let packageDir: string;
  try {
    packageDir = await realpath(candidate.dir);
  } catch (e) {
    return problem(name, version, 'cannot resolve its directory', e);
  }
  const entryPath = resolve(packageDir, marker.data.plugin);
  const inside = relative(packageDir, entryPath);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    return problem(name, version, `plugin entry "${marker.data.plugin}" is outside the package`);
  }
  try {
    await access(entryPath);
  } catch (e) {
    return problem(
      name,
      version,
      `plugin entry "${marker.data.plugin}" does not exist (${entryPath}); is the package built?`,
      e,
    );
  }
  return {
    kind: 'plugin',
    plugin: {
      packageName: name,
      ...(version === undefined ? {} : { version }),
      packageDir,
      entryUrl: pathToFileURL(entryPath).href,
      apiVersion: marker.data.apiVersion,
    },
  };
}

function problem(
  packageName: string,
  version: string | undefined,
  detail: string,
  cause?: unknown,
): Inspection {
  return {
    kind: 'problem',
    problem: {
      packageName,
      ...(version === undefined ? {} : { version }),
      error: new PluginLoadError(
        packageName,
        version,
        detail,
        cause === undefined ? {} : { cause },
      ),
    },
  };
}

const byName = (a: { packageName: string }, b: { packageName: string }): number =>
  a.packageName < b.packageName ? -1 : a.packageName > b.packageName ? 1 : 0;

/**
 * Finds the shotline plugin packages of a project: every package in `root/node_modules` (and its
 * `@scope/` folders) whose `package.json` has a `"shotline": {"plugin", "apiVersion"}` marker, or
 * exactly the packages listed in `options.packages`. Nothing is imported here (see
 * {@link loadPlugins}); broken or incompatible markers are returned as problems, never thrown.
 */
export async function discoverPlugins(
  root: string,
  options: DiscoverPluginsOptions = {},
): Promise<PluginDiscovery> {
  const absoluteRoot = resolve(root);
  const problems: PluginProblem[] = [];
  let candidates: PackageCandidate[];
  if (options.packages) {
    candidates = [];
    await Promise.all(
      options.packages.map(async (name) => {
        const dir = await findInstalled(absoluteRoot, name);
        if (dir) candidates.push({ name, dir, required: true });
        else {
          problems.push({
            packageName: name,
            error: new PluginLoadError(
              name,
              undefined,
              `is listed as a plugin but is not installed (looked in node_modules of ${absoluteRoot} and its parents)`,
            ),
          });
        }
      }),
    );
  } else {
    candidates = await scanNodeModules(absoluteRoot);
  }
  const inspections = await Promise.all(candidates.map(inspect));
  const allowed = options.allow ? new Set(options.allow) : undefined;
  const plugins: DiscoveredPlugin[] = [];
  const ignored: { packageName: string; version?: string }[] = [];
  for (const inspection of inspections) {
    if (inspection.kind === 'problem') {
      if (!allowed || allowed.has(inspection.problem.packageName)) {
        problems.push(inspection.problem);
      } else {
        const { packageName, version } = inspection.problem;
        ignored.push({ packageName, ...(version === undefined ? {} : { version }) });
      }
    } else if (inspection.kind === 'plugin') {
      const { packageName, version } = inspection.plugin;
      if (!allowed || allowed.has(packageName)) plugins.push(inspection.plugin);
      else ignored.push({ packageName, ...(version === undefined ? {} : { version }) });
    }
  }
  return {
    root: absoluteRoot,
    plugins: plugins.sort(byName),
    problems: problems.sort(byName),
    ignored: ignored.sort(byName),
  };
}
