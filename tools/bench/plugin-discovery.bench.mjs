// Plugin discovery and loading: a project whose node_modules holds 50 shotline plugin packages (each
// importing @shotline/core and registering a device type) among 150 other packages. Each run uses a
// fresh project, so every plugin module is imported cold. median_ms is discover + import + register.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DeviceRegistry,
  discoverAndLoadPlugins,
  discoverPlugins,
} from '../../packages/core/dist/index.js';
import { median, report, round, timeMs } from './lib.mjs';

const PLUGINS = 50;
const OTHERS = 150;
const RUNS = Number(process.env.RUNS ?? 7);
const core = resolve(import.meta.dirname, '../../packages/core');

const pluginSource = (i) => `import { deviceNotUsed } from '@shotline/core';
export default {
  name: 'bench-plugin-${i}',
  register(registry) {
    registry.addDevice({
      type: 'bench.device-${i}',
      label: 'Bench device ${i}',
      configurationSchema: { safeParse: (v) => ({ success: true, data: v }) },
      defaultConfiguration: () => ({}),
      createCompiler: () => deviceNotUsed('bench'),
      createDevice: () => ({ open: async () => {}, close: async () => {} }),
      createController: () => ({ runShot: async () => {} }),
    });
  },
};
`;

async function project() {
  const root = await mkdtemp(join(tmpdir(), 'shotline-discovery-bench-'));
  const modules = join(root, 'node_modules');
  await mkdir(join(modules, '@shotline'), { recursive: true });
  await symlink(core, join(modules, '@shotline', 'core'));
  const write = async (name, pkg, files = {}) => {
    const dir = join(modules, name);
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', type: 'module', ...pkg }),
    );
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  };
  const jobs = [];
  for (let i = 0; i < PLUGINS; i++) {
    const name = i % 2 ? `@vendor${i % 5}/driver-${i}` : `lab-driver-${i}`;
    jobs.push(
      write(
        name,
        { shotline: { plugin: './dist/plugin.js', apiVersion: 1 } },
        { 'dist/plugin.js': pluginSource(i) },
      ),
    );
  }
  for (let i = 0; i < OTHERS; i++)
    jobs.push(write(i % 3 ? `dep-${i}` : `@scope${i % 7}/dep-${i}`, {}));
  await Promise.all(jobs);
  return root;
}

const totals = [];
const scans = [];
for (let r = 0; r < RUNS; r++) {
  const root = await project();
  scans.push(await timeMs(() => discoverPlugins(root)));
  const fresh = await project();
  let loaded = 0;
  totals.push(
    await timeMs(async () => {
      const report = await discoverAndLoadPlugins(fresh, new DeviceRegistry());
      loaded = report.loaded.length;
      if (report.failed.length > 0) throw new Error(report.failed[0].error.message);
    }),
  );
  if (loaded !== PLUGINS) throw new Error(`loaded ${loaded} plugins, expected ${PLUGINS}`);
  console.log(
    `run ${r + 1}: discover+load ${round(totals.at(-1), 1)} ms (scan only ${round(scans.at(-1), 1)} ms)`,
  );
  await rm(root, { recursive: true, force: true });
  await rm(fresh, { recursive: true, force: true });
}
report('plugin-discovery', {
  median_ms: round(median(totals), 1),
  scan_median_ms: round(median(scans), 1),
  plugins: PLUGINS,
  packages: PLUGINS + OTHERS + 1,
  runs: RUNS,
});
