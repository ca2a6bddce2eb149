import { createRequire } from 'node:module';
import { triggerBusOf, type ShotlinePlugin } from '@shotline/core';
import { AravisCameraExtension } from './aravis/aravis-camera-extension.js';
import { OrcaQuestExtension } from './orca/orca-quest-extension.js';
import { SimulatedOrcaQuestExtension } from './orca/simulated-orca-quest-extension.js';
import { SimulatedCameraExtension } from './simulated/simulated-camera-extension.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/camera`: the simulated camera (`shotline.camera.simulated`), the
 * GenICam camera through Aravis (`shotline.camera.aravis`), and the Hamamatsu ORCA-Quest through
 * DCAM-API (`shotline.camera.orca-quest`) with its simulated twin
 * (`shotline.camera.simulated-orca-quest`). It makes sure the lab's container holds
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
    registry.addDevice(OrcaQuestExtension);
    registry.addDevice(SimulatedOrcaQuestExtension);
  },
};

export default cameraPlugin;
