import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` that has a `node_modules` folder holding `marker`. */
function nearestWith(start: string, marker: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'node_modules', marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where the lab's device plugins are searched for (the folder whose `node_modules` is scanned):
 * the configured `plugins.root`, else the lab folder or its nearest parent whose `node_modules`
 * holds `@shotline/core`,
 * else the installation this command runs from (so `npx shotline` in any folder finds the driver
 * packages installed next to it).
 */
export function pluginRoot(labDir: string, configured: string | undefined): string {
  if (configured !== undefined) return resolve(labDir, configured);
  const local = nearestWith(labDir, '@shotline/core');
  if (local !== undefined) return local;
  const here = realpathSync(dirname(fileURLToPath(import.meta.url)));
  return nearestWith(here, '@shotline/core') ?? labDir;
}
