import { createRequire } from 'node:module';
import { triggerBusOf, type ShotlinePlugin } from '@shotline/core';
import { AravisCameraExtension } from './aravis/aravis-camera-extension.js';
import { SimulatedCameraExtension } from './simulated/simulated-camera-extension.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/camera`: the simulated camera (`shotline.camera.simulated`) and the
 * GenICam camera through Aravis (`shotline.camera.aravis`). It makes sure the lab's container holds
 * a trigger bus, which the simulated cameras share with a simulated sequencer.
 */
export const cameraPlugin: ShotlinePlugin = {
  name: pkg.name,
  version: pkg.version,
  moduleUrl: import.meta.url,
  register(registry) {
    triggerBusOf(registry.container);
    registry.addDevice(SimulatedCameraExtension);
    registry.addDevice(AravisCameraExtension);
  },
};

export default cameraPlugin;
