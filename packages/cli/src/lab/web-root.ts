import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The folder of the built web control room (`@shotline/web`'s `dist`), served by `shotline serve`
 * at `/`; undefined when the package is not installed or not built (the server then serves only
 * its API).
 */
export function webControlRoomRoot(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@shotline/web/package.json');
    const root = join(dirname(manifest), 'dist');
    return existsSync(join(root, 'index.html')) ? root : undefined;
  } catch {
    return undefined;
  }
}
