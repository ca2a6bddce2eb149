import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The writer worker and the child processes of the durability tests run the built dist files (Node
// 20 cannot run TypeScript), so the package (and core, by project reference) is built first.
// `tsc -b` is incremental: a no-op when nothing changed.
export function setup(): void {
  const here = import.meta.dirname;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', join(here, 'tsconfig.lib.json')], {
    encoding: 'utf8',
  });
  const worker = join(here, 'dist', 'internal', 'writer-worker.js');
  if (build.status !== 0) {
    console.warn(`tsc -b reported errors while building dist for the tests:\n${build.stdout}`);
  }
  if (!existsSync(worker)) {
    throw new Error(`could not build ${worker}; build @shotline/storage-sqlite first`);
  }
}
