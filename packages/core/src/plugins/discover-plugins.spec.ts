import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from './device-registry.js';
import { discoverPlugins } from './discover-plugins.js';
import { discoverAndLoadPlugins, describePluginReport, loadPlugins } from './load-plugins.js';
import { IncompatiblePluginError, PluginLoadError } from './plugin-errors.js';
import {
  makeProject,
  pluginPackage,
  pluginSource,
  writePackage,
} from './plugin-fixtures.test-helper.js';
import { ShotlineEventBus, type LogEvent } from '../events/index.js';

describe('discoverPlugins', () => {
  it('finds marked packages in node_modules and @scope folders, ignoring the others', async () => {
    const root = await makeProject([
      pluginPackage('lab-driver', ['lab.driver']),
      pluginPackage('@vendor/camera', ['vendor.camera'], '2.1.0'),
      { name: 'left-pad', files: { 'index.js': 'export default 1;' } },
      { name: '@vendor/utils' },
    ]);
    const discovery = await discoverPlugins(root);
    expect(discovery.plugins.map((p) => [p.packageName, p.version])).toEqual([
      ['@vendor/camera', '2.1.0'],
      ['lab-driver', '1.0.0'],
    ]);
    expect(discovery.plugins[0]!.entryUrl).toMatch(/^file:.*@vendor\/camera\/dist\/plugin\.js$/);
    expect(discovery.problems).toEqual([]);
  });

  it('follows symlinked packages (npm workspaces)', async () => {
    const root = await makeProject([]);
    const outside = join(root, 'packages', 'linked');
    await writePackage(outside, pluginPackage('linked', ['lab.linked']));
    await mkdir(join(root, 'node_modules'));
    await symlink(outside, join(root, 'node_modules', 'linked'));
    const discovery = await discoverPlugins(root);
    expect(discovery.plugins.map((p) => p.packageName)).toEqual(['linked']);
    expect(discovery.plugins[0]!.packageDir).toContain(join('packages', 'linked'));
  });

  it('reports an incompatible API version and a malformed marker as problems', async () => {
    const root = await makeProject([
      {
        ...pluginPackage('future-driver', ['x']),
        marker: { plugin: './dist/plugin.js', apiVersion: 2 },
      },
      { ...pluginPackage('typo-driver', ['y']), version: '0.3.0', marker: { plugn: './x.js' } },
      {
        ...pluginPackage('escaping', ['z']),
        marker: { plugin: '../../etc/passwd', apiVersion: 1 },
      },
      { ...pluginPackage('unbuilt', ['w']), files: {} },
      pluginPackage('good', ['lab.good']),
    ]);
    const discovery = await discoverPlugins(root);
    expect(discovery.plugins.map((p) => p.packageName)).toEqual(['good']);
    const problems = Object.fromEntries(discovery.problems.map((p) => [p.packageName, p.error]));
    expect(problems['future-driver']).toBeInstanceOf(IncompatiblePluginError);
    expect(problems['future-driver']!.message).toMatch(
      /future-driver@1\.0\.0.*API version 2.*supports version 1/,
    );
    expect(problems['typo-driver']!.message).toMatch(
      /typo-driver@0\.3\.0: invalid "shotline" marker/,
    );
    expect(problems.escaping!.message).toMatch(/outside the package/);
    expect(problems.unbuilt!.message).toMatch(/does not exist.*is the package built/);
  });

  it('uses exactly an explicit package list, reporting missing and unmarked packages', async () => {
    const root = await makeProject([
      pluginPackage('a-driver', ['lab.a']),
      pluginPackage('b-driver', ['lab.b']),
      { name: 'not-a-plugin' },
    ]);
    const discovery = await discoverPlugins(root, {
      packages: ['b-driver', 'not-a-plugin', 'never-installed'],
    });
    expect(discovery.plugins.map((p) => p.packageName)).toEqual(['b-driver']);
    expect(discovery.problems.map((p) => [p.packageName, p.error.message])).toEqual([
      ['never-installed', expect.stringMatching(/not installed/)],
      ['not-a-plugin', expect.stringMatching(/no "shotline" plugin marker/)],
    ]);
  });

  it('leaves out plugins that are not in the allow-list and reports them', async () => {
    const root = await makeProject([
      pluginPackage('trusted', ['lab.t']),
      pluginPackage('unknown-vendor', ['lab.u']),
    ]);
    const discovery = await discoverPlugins(root, { allow: ['trusted'] });
    expect(discovery.plugins.map((p) => p.packageName)).toEqual(['trusted']);
    expect(discovery.ignored).toEqual([{ packageName: 'unknown-vendor', version: '1.0.0' }]);
  });

  it('finds nothing in a project without node_modules', async () => {
    const discovery = await discoverPlugins(join(await makeProject([]), 'missing'));
    expect(discovery.plugins).toEqual([]);
  });
});

describe('loadPlugins', () => {
  it('loads every good plugin and reports a broken one with package, version and cause', async () => {
    const root = await makeProject([
      pluginPackage('a-driver', ['lab.a']),
      {
        ...pluginPackage('broken-driver', [], '0.9.1'),
        files: { 'dist/plugin.js': 'throw new Error("native binding not found");' },
      },
      {
        ...pluginPackage('empty-driver', []),
        files: { 'dist/plugin.js': 'export const something = 1;' },
      },
      {
        ...pluginPackage('failing-register', []),
        files: {
          'dist/plugin.js':
            'export default { name: "x", register() { throw new Error("no license key"); } };',
        },
      },
      pluginPackage('z-driver', ['lab.z']),
    ]);
    const registry = new DeviceRegistry();
    const events = new ShotlineEventBus();
    const logs: LogEvent[] = [];
    events.on('log', (e) => logs.push(e));
    const report = await discoverAndLoadPlugins(root, registry, { events });
    expect(report.loaded.map((p) => [p.packageName, p.version, p.deviceTypes])).toEqual([
      ['a-driver', '1.0.0', ['lab.a']],
      ['z-driver', '1.0.0', ['lab.z']],
    ]);
    const failed = Object.fromEntries(report.failed.map((p) => [p.packageName, p]));
    expect(Object.keys(failed)).toEqual(['broken-driver', 'empty-driver', 'failing-register']);
    expect(failed['broken-driver']!.version).toBe('0.9.1');
    expect(failed['broken-driver']!.error).toBeInstanceOf(PluginLoadError);
    expect(failed['broken-driver']!.error.message).toMatch(/broken-driver@0\.9\.1: cannot import/);
    expect((failed['broken-driver']!.error.cause as Error).message).toBe(
      'native binding not found',
    );
    expect(failed['empty-driver']!.error.message).toMatch(/exports no plugin/);
    expect(failed['failing-register']!.error.message).toMatch(/no license key/);
    expect(registry.extension('lab.z').type).toBe('lab.z');
    // every plugin is reported, loaded ones with their origin
    expect(logs.filter((l) => l.level === 'info').map((l) => l.plugin)).toEqual([
      'a-driver',
      'z-driver',
    ]);
    expect(logs.find((l) => l.plugin === 'a-driver')!.message).toMatch(
      /loaded plugin a-driver@1\.0\.0 from .*a-driver.*plugin\.js \(device types: lab\.a\)/,
    );
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(3);
  });

  it('fails the second of two packages claiming one device type, naming both', async () => {
    const root = await makeProject([
      pluginPackage('@lab/first', ['shared.type', 'lab.first']),
      pluginPackage('@vendor/second', ['shared.type', 'vendor.second'], '3.0.0'),
    ]);
    const registry = new DeviceRegistry();
    const report = await loadPlugins(await discoverPlugins(root), registry);
    expect(report.loaded.map((p) => p.packageName)).toEqual(['@lab/first']);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.packageName).toBe('@vendor/second');
    expect(report.failed[0]!.error.message).toMatch(
      /"shared\.type" is provided by both @lab\/first@1\.0\.0 and @vendor\/second@3\.0\.0/,
    );
    expect(registry.findExtension('vendor.second')).toBeUndefined();
  });

  it('reports discovery problems and ignored packages in the load report', async () => {
    const root = await makeProject([
      { ...pluginPackage('old', ['o']), marker: { plugin: './dist/plugin.js', apiVersion: 99 } },
      pluginPackage('other', ['lab.other']),
      pluginPackage('mine', ['lab.mine']),
    ]);
    const report = await discoverAndLoadPlugins(root, new DeviceRegistry(), {
      allow: ['mine', 'old'],
    });
    expect(report.failed.map((p) => p.packageName)).toEqual(['old']);
    expect(describePluginReport(report).map((l) => l.level)).toEqual(['info', 'error', 'warn']);
  });

  it('loads a plugin module exporting `plugin` instead of a default export', async () => {
    const source = pluginSource('named', ['lab.named']).replace(
      'export default',
      'export const plugin =',
    );
    const root = await makeProject([
      { ...pluginPackage('named', []), files: { 'dist/plugin.js': source } },
    ]);
    const report = await discoverAndLoadPlugins(root, new DeviceRegistry());
    expect(report.loaded[0]!.deviceTypes).toEqual(['lab.named']);
  });
});
