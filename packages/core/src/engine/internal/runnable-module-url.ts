import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A URL of a module that plain Node can import in a worker thread, or undefined.
 *
 * A `.js` file that exists is used as is. Tests (and other TypeScript-source setups) run modules
 * from `<package>/src/**.ts`; a worker cannot load those, so the built twin `<package>/dist/**.js`
 * is used when it exists.
 */
export function runnableModuleUrl(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'file:') return parsed.protocol === 'data:' ? parsed.href : undefined;
  const path = fileURLToPath(parsed);
  if (/\.[cm]?js$/.test(path) && existsSync(path)) return parsed.href;
  const match = /^(.*[/\\])src([/\\].*?)\.[cm]?[jt]s$/.exec(path);
  if (!match) return undefined;
  const built = `${match[1]}dist${match[2]}.js`;
  return existsSync(built) ? pathToFileURL(built).href : undefined;
}
