import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeviceRegistry, isShotlinePlugin } from '@shotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../../..');
const GENERATOR = join(REPO, 'tools/nx-plugin/src/generators/driver/generator.js');
const NAME = 'kit-probe';

function run(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/**
 * The driver SDK end to end: the Nx generator writes a package into a temporary workspace (which
 * borrows this repository's node_modules, core and testing kit), tsc builds it, and its own tests
 * — the conformance kit against its simulator — pass.
 */
describe('a driver package made by "nx g @shotline/tools:driver"', () => {
  let workspace: string;
  let pkg: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'shotline-driver-'));
    // The generator runs in plain Node, as `nx g` runs it (its template engine is CommonJS).
    const script = [
      `import { driverGenerator } from ${JSON.stringify(pathToFileURL(GENERATOR).href)};`,
      `import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';`,
      `import { mkdirSync, writeFileSync } from 'node:fs';`,
      `import { dirname, join } from 'node:path';`,
      `const tree = createTreeWithEmptyWorkspace();`,
      `await driverGenerator(tree, { name: ${JSON.stringify(NAME)} });`,
      `for (const change of tree.listChanges()) {`,
      `  if (change.type === 'DELETE' || change.content === null) continue;`,
      `  const file = join(${JSON.stringify(workspace)}, change.path);`,
      `  mkdirSync(dirname(file), { recursive: true });`,
      `  writeFileSync(file, change.content);`,
      `}`,
    ].join('\n');
    const generated = run(['--input-type=module', '-e', script], REPO);
    expect(generated.status, generated.output).toBe(0);
    copyFileSync(join(REPO, 'tsconfig.base.json'), join(workspace, 'tsconfig.base.json'));
    symlinkSync(join(REPO, 'node_modules'), join(workspace, 'node_modules'));
    for (const sibling of ['core', 'testing']) {
      symlinkSync(join(REPO, 'packages', sibling), join(workspace, 'packages', sibling));
    }
    pkg = join(workspace, 'packages', NAME);
  }, 300_000);

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('is a plugin package: marker, peer dependency on core, plugin entry, README', () => {
    const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(json.name).toBe(`@shotline/${NAME}`);
    expect(json.shotline).toEqual({ plugin: './dist/plugin.js', apiVersion: 1 });
    expect(json.peerDependencies).toEqual({ '@shotline/core': '>=0.1.0 <1' });
    for (const file of ['src/plugin.ts', 'vitest.config.ts', 'tsconfig.lib.json', 'README.md']) {
      expect(existsSync(join(pkg, file)), file).toBe(true);
    }
  });

  it('builds with tsc and registers its device type when loaded', async () => {
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const build = run([tsc, '-b', 'tsconfig.lib.json', 'tsconfig.spec.json'], pkg);
    expect(build.output.trim(), 'tsc output').toBe('');
    expect(build.status).toBe(0);
    const module = (await import(pathToFileURL(join(pkg, 'dist/plugin.js')).href)) as {
      default: unknown;
    };
    expect(isShotlinePlugin(module.default)).toBe(true);
    const registry = new DeviceRegistry();
    const registered = await registry.use(module.default as Parameters<DeviceRegistry['use']>[0]);
    expect(registered.deviceTypes).toEqual([`shotline.${NAME}`]);
  }, 900_000);

  it('passes its own tests: the conformance kit against its simulator', () => {
    const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');
    const result = run([vitest, 'run'], pkg);
    expect(result.status, result.output).toBe(0);
    const report = JSON.parse(readFileSync(join(pkg, 'test-results/vitest.json'), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThanOrEqual(10);
  }, 900_000);
});
