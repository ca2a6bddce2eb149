import { createRequire } from 'node:module';
import type { ShotlinePlugin } from '@shotline/core';
import { ell14Extension } from './ell14/ell14-extension.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `@shotline/serial` plugin: registers the Thorlabs ELL14 rotation mount. */
const plugin: ShotlinePlugin = {
  name: '@shotline/serial',
  version,
  moduleUrl: import.meta.url,
  register(registry) {
    registry.addDevice(ell14Extension);
  },
};

export default plugin;
