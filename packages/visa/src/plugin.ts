import { createRequire } from 'node:module';
import type { ShotlinePlugin } from '@shotline/core';
import { sdg6000xExtension } from './sdg6000x/sdg6000x-extension.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/visa`: the Siglent SDG6000X function generator. Declared in package.json
 * (`"shotline": {"plugin": "./dist/plugin.js"}`), so core discovers it; `registry.use(visaPlugin)`
 * registers it explicitly.
 */
export const visaPlugin: ShotlinePlugin = {
  name: pkg.name,
  version: pkg.version,
  moduleUrl: import.meta.url,
  register(registry) {
    registry.addDevice(sdg6000xExtension);
  },
};

export default visaPlugin;
