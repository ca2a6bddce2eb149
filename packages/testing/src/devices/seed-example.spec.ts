// "The seed's example runs as written, in TypeScript": the Procedure documentation's example.
import { ExperimentManager, NDArray } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { createSimulatedLab } from './simulated-lab.js';
import { device, scan } from './lab.test-helper.js';

describe('the Procedure example of the documentation', () => {
  it('runs as written', async () => {
    const lab = await createSimulatedLab({
      devices: [device.producer('camera'), device.noop('laser')],
    });
    await lab.session.createSequence('\\my sequence', scan(3));
    await lab.session.createSequence('\\another sequence', scan(2));

    const experimentManager: ExperimentManager = await ExperimentManager.create({
      storage: lab.storage,
      registry: lab.registry,
    });
    {
      await using procedure = await experimentManager.createProcedure('my procedure').activate();
      await procedure.runSequence('\\my sequence');
      // do analysis, overwrite parameters, etc...
      await procedure.runSequence('\\another sequence');
      expect(procedure.sequences().map(String)).toEqual(['\\my sequence', '\\another sequence']);
    }

    expect(await lab.session.state('\\my sequence')).toBe('finished');
    expect(await lab.session.state('\\another sequence')).toBe('finished');
    expect(await lab.session.shotIndices('\\my sequence')).toEqual([0, 1, 2]);
    const image = (
      await lab.storage.getShotData(
        (await lab.session.sequence('\\my sequence')).path,
        2,
        'camera\\image',
      )
    ).unwrap();
    expect(image).toBeInstanceOf(NDArray);
    expect((image as NDArray).shape).toEqual([64, 64]);
    expect((image as NDArray<'uint16'>).data[0]).toBe(2);
    expect((await lab.session.shot('\\my sequence', 1)).parameters.get('i')).toBe(1);
    expect(lab.recorder.closedDevices()).toEqual(['camera', 'laser']);
  });
});
