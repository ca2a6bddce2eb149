import { createRequire } from 'node:module';
import type { ShotlinePlugin } from '@shotline/core';
import { RemoteDeviceType } from './client/remote-device-type.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/remote`: the `shotline.remote` device type (a device on a device
 * server). Declared in package.json, so it is discovered like any driver package and loadable in
 * compile workers (which load the remote device's own plugin beside it).
 */
export const remotePlugin: ShotlinePlugin = {
  name: pkg.name,
  version: pkg.version,
  moduleUrl: import.meta.url,
  register(registry) {
    registry.addDevice(RemoteDeviceType);
  },
};

export default remotePlugin;
