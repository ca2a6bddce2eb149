import { createRequire } from 'node:module';
import type { ShotlinePlugin } from '@shotline/core';
import { SIMULATED_DEVICE_EXTENSIONS } from './devices/simulated-extensions.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/testing`: the simulated devices (no-op, slow, failing, data producer,
 * data waiter). Declared in package.json (`"shotline": {"plugin": "./dist/plugin.js"}`), so it is
 * discovered like any driver package, and loadable in compile workers.
 */
export const testingPlugin: ShotlinePlugin = {
  name: pkg.name,
  version: pkg.version,
  moduleUrl: import.meta.url,
  register(registry) {
    for (const extension of SIMULATED_DEVICE_EXTENSIONS) registry.addDevice(extension);
  },
};

export default testingPlugin;
