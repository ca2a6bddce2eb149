import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A package to write into a temp project's node_modules (or a folder to `npm pack`). */
export interface FixturePackage {
  name: string;
  version?: string;
  /** The `shotline` marker; omit for a package that is not a plugin. */
  marker?: unknown;
  /** Files relative to the package directory (e.g. `dist/plugin.js`). */
  files?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Writes a package (package.json + files) into `dir`. */
export async function writePackage(dir: string, pkg: FixturePackage): Promise<void> {
  await mkdir(dir, { recursive: true });
  const json: Record<string, unknown> = {
    name: pkg.name,
    version: pkg.version ?? '1.0.0',
    type: 'module',
  };
  if (pkg.marker !== undefined) json.shotline = pkg.marker;
  if (pkg.dependencies) json.dependencies = pkg.dependencies;
  if (pkg.peerDependencies) json.peerDependencies = pkg.peerDependencies;
  await writeFile(join(dir, 'package.json'), JSON.stringify(json, null, 2));
  for (const [file, text] of Object.entries(pkg.files ?? {})) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), text);
  }
}

/** A temp project whose node_modules holds the given packages. Returns its root. */
export async function makeProject(packages: FixturePackage[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'shotline-plugins-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'lab', private: true }));
  for (const pkg of packages) await writePackage(join(root, 'node_modules', pkg.name), pkg);
  return root;
}

/**
 * Source of a self-contained plugin module (no imports) registering device extensions with the
 * given type tags. The extensions are complete enough for the registry's shape checks.
 */
export function pluginSource(name: string, types: string[]): string {
  const extensions = types
    .map(
      (t) => `{
    type: ${JSON.stringify(t)},
    label: ${JSON.stringify(t)},
    configurationSchema: { safeParse: (v) => ({ success: true, data: v }) },
    defaultConfiguration: () => ({}),
    createCompiler: () => ({ initializationParameters: () => ({}), compileShot: () => ({}) }),
    createDevice: () => ({ open: async () => {}, close: async () => {} }),
    createController: () => ({ runShot: async (_d, _p, shot) => { await shot.waitAllDevicesReady(); } }),
  }`,
    )
    .join(',\n  ');
  return `const extensions = [\n  ${extensions}\n];
export default {
  name: ${JSON.stringify(name)},
  register(registry) { for (const e of extensions) registry.addDevice(e); },
};
`;
}

/** A plugin package with a valid marker and an entry registering `types`. */
export function pluginPackage(name: string, types: string[], version = '1.0.0'): FixturePackage {
  return {
    name,
    version,
    marker: { plugin: './dist/plugin.js', apiVersion: 1 },
    files: { 'dist/plugin.js': pluginSource(name, types) },
  };
}
