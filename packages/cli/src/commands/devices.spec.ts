import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';

interface DevicesJson {
  plugins: { package: string; version: string; deviceTypes: { type: string; label: string }[] }[];
  failed: { package: string; cause: string }[];
  ignored: { package: string }[];
}

const TESTING_PACKAGE = resolve(import.meta.dirname, '../../../testing');

/** A plugin folder with the testing kit and a package whose plugin throws when imported. */
function pluginFolder(dir: string): string {
  const root = join(dir, 'plugins');
  mkdirSync(join(root, 'node_modules', '@shotline'), { recursive: true });
  symlinkSync(TESTING_PACKAGE, join(root, 'node_modules', '@shotline', 'testing'));
  const broken = join(root, 'node_modules', '@lab', 'broken');
  mkdirSync(join(broken, 'dist'), { recursive: true });
  writeFileSync(
    join(broken, 'package.json'),
    JSON.stringify({
      name: '@lab/broken',
      version: '2.0.0',
      type: 'module',
      shotline: { plugin: './dist/plugin.js', apiVersion: 1 },
    }),
  );
  writeFileSync(join(broken, 'dist', 'plugin.js'), 'throw new Error("laser driver missing");\n');
  return root;
}

describe('shotline devices', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('lists the discovered plugins with their versions and device types', async () => {
    lab = await tempLab();
    const result = await lab.run(['devices']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/@shotline\/testing@0\.1\.0/);
    expect(result.stdout).toMatch(/shotline\.testing\.slow\s+Slow device/);
    const json = await lab.json<DevicesJson>(['devices']);
    const testing = json.plugins.find((p) => p.package === '@shotline/testing');
    expect(testing?.version).toBe('0.1.0');
    expect(testing?.deviceTypes.map((d) => d.type)).toContain('shotline.testing.noop');
  });

  it('reports a broken plugin with its cause and still loads the others', async () => {
    lab = await tempLab();
    const root = pluginFolder(lab.dir);
    writeFileSync(
      join(lab.lab, 'shotline.yaml'),
      `version: 1\nstorage: sqlite:shotline.sqlite\nplugins:\n  root: ${JSON.stringify(root)}\n`,
    );
    const json = await lab.json<DevicesJson>(['devices']);
    expect(json.plugins.map((p) => p.package)).toEqual(['@shotline/testing']);
    expect(json.failed).toHaveLength(1);
    expect(json.failed[0]!.package).toBe('@lab/broken');
    expect(json.failed[0]!.cause).toMatch(/laser driver missing/);
    const text = await lab.run(['devices']);
    expect(text.stdout).toMatch(
      /broken plugins \(not loaded\):\n {2}@lab\/broken@2\.0\.0: .*laser driver missing/,
    );
  });

  it('loads only the allow-listed plugins and lists the others as ignored', async () => {
    lab = await tempLab();
    const root = pluginFolder(lab.dir);
    writeFileSync(
      join(lab.lab, 'shotline.yaml'),
      `version: 1\nplugins:\n  root: ${JSON.stringify(root)}\n  allow: ['@lab/other']\n`,
    );
    const json = await lab.json<DevicesJson>(['devices']);
    expect(json.plugins).toEqual([]);
    expect(json.ignored.map((i) => i.package).sort()).toEqual(['@lab/broken', '@shotline/testing']);
  });
});
