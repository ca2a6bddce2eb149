import { createRequire } from 'node:module';
import { type ShotlinePlugin, triggerBusOf } from '@shotline/core';
import { SEQUENCER_TIMELINE_RECORDER_TOKEN, SequencerTimelineRecorder } from '@shotline/sequencer';
import { Ni6738Extension } from './ni6738-extension.js';
import { SimulatedNi6738Extension } from './simulated/simulated-ni6738-extension.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/ni-daqmx`: the NI 6738 through NI-DAQmx (`shotline.ni-daqmx.ni6738`)
 * and its simulated twin (`shotline.ni-daqmx.simulated-ni6738`). It makes sure the lab's container
 * holds the trigger bus and the sequencer timeline recorder the simulated card shares with
 * simulated sequencers.
 */
export const niDaqmxPlugin: ShotlinePlugin = {
  name: pkg.name,
  version: pkg.version,
  moduleUrl: import.meta.url,
  register(registry) {
    const { container } = registry;
    triggerBusOf(container);
    if (!container.isRegistered(SEQUENCER_TIMELINE_RECORDER_TOKEN, true)) {
      container.registerInstance(
        SEQUENCER_TIMELINE_RECORDER_TOKEN,
        new SequencerTimelineRecorder(),
      );
    }
    registry.addDevice(Ni6738Extension);
    registry.addDevice(SimulatedNi6738Extension);
  },
};

export default niDaqmxPlugin;
