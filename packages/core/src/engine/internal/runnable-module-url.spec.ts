import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runnableModuleUrl } from './runnable-module-url.js';

const core = resolve(import.meta.dirname, '../../..');

describe('runnableModuleUrl', () => {
  it('maps a TypeScript source to its built twin in dist', () => {
    const source = pathToFileURL(resolve(core, 'src/engine/internal/compile-worker.ts')).href;
    expect(runnableModuleUrl(source)).toBe(
      pathToFileURL(resolve(core, 'dist/engine/internal/compile-worker.js')).href,
    );
  });

  it('keeps an existing JavaScript file and refuses what cannot be loaded', () => {
    const built = pathToFileURL(resolve(core, 'dist/index.js')).href;
    expect(runnableModuleUrl(built)).toBe(built);
    expect(runnableModuleUrl(pathToFileURL('/nowhere/src/x.ts').href)).toBeUndefined();
    expect(runnableModuleUrl('https://example.com/plugin.js')).toBeUndefined();
    expect(runnableModuleUrl('not a url')).toBeUndefined();
  });
});
