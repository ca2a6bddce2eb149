import { createRequire } from 'node:module';
import { type ShotlinePlugin, triggerBusOf } from '@shotline/core';
import { PulseBlasterExtension } from './pulseblaster/pulseblaster-extension.js';
import { PulseStreamerExtension } from './pulsestreamer/pulse-streamer-extension.js';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  SequencerTimelineRecorder,
} from './simulated/sequencer-timeline.js';
import { SimulatedSequencerExtension } from './simulated/simulated-sequencer-extension.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin of `@shotline/sequencer`: the simulated sequencer (`shotline.sequencer.simulated`),
 * the SpinCore PulseBlaster (`shotline.sequencer.pulseblaster`) and the Swabian Pulse Streamer 8/2
 * (`shotline.sequencer.pulsestreamer`). It makes sure the lab's container holds a trigger bus
 * (shared with simulated cameras) and a timeline recorder for the simulated sequencers.
 */
export const sequencerPlugin: ShotlinePlugin = {
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
    registry.addDevice(SimulatedSequencerExtension);
    registry.addDevice(PulseBlasterExtension);
    registry.addDevice(PulseStreamerExtension);
  },
};

export default sequencerPlugin;
