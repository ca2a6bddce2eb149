import { DeviceRegistry, triggerBusOf } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { AravisCameraExtension } from './aravis/aravis-camera-extension.js';
import { stepTimeLanes, testSequenceContext } from '@shotline/testing';
import { cameraLane } from './camera.test-helper.js';
import { OrcaQuestExtension } from './orca/orca-quest-extension.js';
import { SimulatedOrcaQuestExtension } from './orca/simulated-orca-quest-extension.js';
import { cameraPlugin } from './plugin.js';
import { SimulatedCameraExtension } from './simulated/simulated-camera-extension.js';

describe('the camera plugin', () => {
  it('registers the simulated, Aravis and ORCA-Quest camera types', async () => {
    const registry = new DeviceRegistry();
    const registered = await registry.use(cameraPlugin);
    expect(registered.name).toBe('@shotline/camera');
    expect(registered.deviceTypes).toEqual([
      'shotline.camera.simulated',
      'shotline.camera.aravis',
      'shotline.camera.orca-quest',
      'shotline.camera.simulated-orca-quest',
    ]);
    expect(registry.extension('shotline.camera.simulated')).toBeInstanceOf(
      SimulatedCameraExtension,
    );
    expect(registry.extension('shotline.camera.aravis')).toBeInstanceOf(AravisCameraExtension);
  });

  it('gives the simulated cameras the trigger bus other simulated devices of the lab use', async () => {
    const registry = new DeviceRegistry();
    await registry.use(cameraPlugin);
    const extension = registry.extension('shotline.camera.simulated') as SimulatedCameraExtension;
    // What a simulated sequencer's plugin does to publish its trigger edges.
    expect(triggerBusOf(registry.container)).toBe(extension.triggerBus);
    // Another lab has its own bus.
    const other = new DeviceRegistry();
    await other.use(cameraPlugin);
    const otherExtension = other.extension('shotline.camera.simulated') as SimulatedCameraExtension;
    expect(otherExtension.triggerBus).not.toBe(extension.triggerBus);
  });

  it('has valid default configurations', () => {
    for (const extension of [
      new SimulatedCameraExtension(),
      new AravisCameraExtension(),
      new OrcaQuestExtension(),
      new SimulatedOrcaQuestExtension(),
    ]) {
      const configuration = extension.defaultConfiguration();
      expect(extension.configurationSchema.parse(configuration)).toEqual(configuration);
    }
  });

  it('declares the picture labels of a sequence', () => {
    const sequence = testSequenceContext(
      stepTimeLanes(['1 ms', '1 ms', '1 ms'], {
        cam: cameraLane([
          ['atoms', 1],
          [null, 1],
          ['background', 1],
        ]),
      }),
    );
    const extension = new AravisCameraExtension();
    const configuration = extension.defaultConfiguration();
    expect(extension.dataLabels('cam', configuration, sequence)).toEqual([
      'cam\\atoms',
      'cam\\background',
    ]);
    expect(extension.dataLabels('other', configuration, sequence)).toEqual([]);
  });

  it('refuses configurations with a malformed ROI or expression, saying where', () => {
    const schema = new SimulatedCameraExtension().configurationSchema;
    const roi = schema.safeParse({ roi: { x: -1, y: 0, width: 0, height: 10 } });
    expect(roi.success).toBe(false);
    expect(roi.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['roi.x', 'roi.width']);
    const cloud = schema.safeParse({
      roi: { x: 0, y: 0, width: 10, height: 10 },
      cloud: { x: '2 +', y: '1', sigma: '1', peak: '1' },
    });
    expect(cloud.success).toBe(false);
    expect(cloud.error?.issues[0]?.path).toEqual(['cloud', 'x']);
  });
});
