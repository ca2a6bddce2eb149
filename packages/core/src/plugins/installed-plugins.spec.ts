// Discovery as a lab meets it: @shotline/core and plugin packages packed with `npm pack`, installed
// with `npm install <tarballs>` into a fresh project, discovered and loaded by plain Node.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from './plugin-fixtures.test-helper.js';

const run = promisify(execFile);
const coreDir = resolve(import.meta.dirname, '..', '..');

async function pack(dir: string, destination: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: dir,
  });
  const [info] = JSON.parse(stdout) as { filename: string }[];
  return join(destination, info!.filename);
}

const FAKE_DRIVER = `import { z } from 'zod';
import { DEVICE_REGISTRY_TOKEN, DeviceRegistry, deviceNotUsed } from '@shotline/core';

export const sameCore = { value: false };

export default {
  name: 'lab-fake-driver',
  register(registry) {
    // the registry's container resolves the DeviceRegistry class of *our* @shotline/core import:
    // proof that the plugin and the application share one copy of core (and of tsyringe)
    sameCore.value = registry.container.resolve(DEVICE_REGISTRY_TOKEN) instanceof DeviceRegistry;
    registry.addDevice({
      type: 'lab.fake-laser',
      label: 'Fake laser',
      configurationSchema: z.object({ power: z.string() }),
      defaultConfiguration: () => ({ power: '1 mW' }),
      createCompiler: () => deviceNotUsed('fake'),
      createDevice: () => ({ open: async () => {}, close: async () => {} }),
      createController: () => ({ runShot: async (_d, _p, shot) => void (await shot.waitAllDevicesReady()) }),
    });
  },
};
`;

const DISCOVER = `import { DeviceRegistry, discoverAndLoadPlugins } from '@shotline/core';
const registry = new DeviceRegistry();
const report = await discoverAndLoadPlugins(process.cwd(), registry);
const driver = await import(report.loaded[0].entryUrl);
console.log(JSON.stringify({
  loaded: report.loaded.map((p) => ({ name: p.packageName, version: p.version, types: p.deviceTypes, entry: p.entryUrl })),
  failed: report.failed.map((p) => ({ name: p.packageName, version: p.version, message: p.error.message, cause: String(p.error.cause) })),
  label: registry.extension('lab.fake-laser').label,
  parsed: registry.extension('lab.fake-laser').configurationSchema.safeParse({ power: 3 }).success,
  sameCore: driver.sameCore.value,
}));
`;

describe('plugins installed as real packages', () => {
  let project: string;

  beforeAll(async () => {
    if (!existsSync(join(coreDir, 'dist', 'index.js'))) {
      throw new Error(
        'packages/core/dist is missing: build core first (npx tsc -b packages/core/tsconfig.lib.json)',
      );
    }
    const work = await mkdtemp(join(tmpdir(), 'shotline-npm-'));
    const fake = join(work, 'lab-fake-driver');
    await writePackage(fake, {
      name: 'lab-fake-driver',
      version: '1.4.0',
      marker: { plugin: './dist/plugin.js', apiVersion: 1 },
      files: { 'dist/plugin.js': FAKE_DRIVER },
      dependencies: { zod: '4.6.7' },
      peerDependencies: { '@shotline/core': '>=0.1.0 <1' },
    });
    const broken = join(work, 'lab-broken-driver');
    await writePackage(broken, {
      name: 'lab-broken-driver',
      version: '0.2.0',
      marker: { plugin: './dist/plugin.js', apiVersion: 1 },
      files: {
        'dist/plugin.js': `import 'lab-native-binding-that-is-not-installed';\nexport default {};\n`,
      },
      peerDependencies: { '@shotline/core': '>=0.1.0 <1' },
    });
    const packed = [await pack(coreDir, work), await pack(fake, work), await pack(broken, work)];
    project = join(work, 'lab');
    await writePackage(project, { name: 'lab' });
    await writeFile(join(project, 'discover.mjs'), DISCOVER);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...packed],
      { cwd: project },
    );
  }, 300_000);

  it('discovers and loads the installed plugin, and reports the broken one without stopping', async () => {
    const { stdout } = await run(process.execPath, ['discover.mjs'], { cwd: project });
    const result = JSON.parse(stdout) as {
      loaded: { name: string; version: string; types: string[]; entry: string }[];
      failed: { name: string; version: string; message: string; cause: string }[];
      label: string;
      parsed: boolean;
      sameCore: boolean;
    };
    expect(result.loaded).toEqual([
      {
        name: 'lab-fake-driver',
        version: '1.4.0',
        types: ['lab.fake-laser'],
        entry: expect.stringMatching(/node_modules\/lab-fake-driver\/dist\/plugin\.js$/),
      },
    ]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ name: 'lab-broken-driver', version: '0.2.0' });
    expect(result.failed[0]!.message).toMatch(/plugin lab-broken-driver@0\.2\.0: cannot import/);
    expect(result.failed[0]!.cause).toMatch(/lab-native-binding-that-is-not-installed/);
    expect(result.label).toBe('Fake laser');
    expect(result.parsed).toBe(false);
    expect(result.sameCore).toBe(true);
  }, 60_000);
});
