import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The tests run the real `shotline` binary (`dist/bin.js`), which discovers the built plugins of the
 * workspace: build this package and the testing kit first (incremental, quick when up to date; the
 * Nx `test` target has built them already). When the build fails but a binary exists, the tests
 * run on it and say so.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  const build = spawnSync(
    process.execPath,
    [
      resolve(root, 'node_modules/typescript/bin/tsc'),
      '-b',
      'packages/cli/tsconfig.lib.json',
      'packages/testing/tsconfig.lib.json',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (build.status === 0) return;
  const bin = resolve(import.meta.dirname, 'dist/bin.js');
  if (!existsSync(bin)) {
    throw new Error(`cannot build the shotline binary:\n${build.stdout}${build.stderr}`);
  }
  console.warn(
    `warning: the build failed; the tests run the existing ${bin}:\n${build.stdout.slice(0, 2000)}`,
  );
}
