import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors/index.js';
import { ParameterSchema } from '../parameters/index.js';
import { DigitalTimeLane, TimeLanes } from '../time-lanes/index.js';
import { createSequenceContext } from './sequence-context.js';

const timeLanes = new TimeLanes({
  stepNames: ['load', 'image'],
  stepDurations: ['10 ms', '1 ms'],
  lanes: { shutter: new DigitalTimeLane([[true, 2]]) },
});

describe('createSequenceContext', () => {
  it('gives the device configurations by name and names a device that is not in the sequence', () => {
    const context = createSequenceContext({
      sequencePath: '\\lab\\mot',
      timeLanes,
      deviceConfigurations: [{ name: 'cam', type: 'camera', configuration: { exposure: 2 } }],
    });
    expect([...context.deviceConfigurations.keys()]).toEqual(['cam']);
    expect(context.deviceConfiguration('cam').configuration).toEqual({ exposure: 2 });
    expect(() => context.deviceConfiguration('laser')).toThrow(InvalidValueError);
    expect(() => context.deviceConfiguration('laser')).toThrow(
      /device "laser" is not used in this sequence.*sequence \\lab\\mot/,
    );
  });

  it('finds lanes without marking them used, and defaults to an empty schema and no devices', () => {
    const context = createSequenceContext({ timeLanes });
    expect(context.sequencePath).toBe('\\test');
    expect(context.parameterSchema).toBe(ParameterSchema.empty);
    expect(context.deviceConfigurations.size).toBe(0);
    expect(context.findLane('shutter')).toBe(timeLanes.findLane('shutter'));
    expect(context.findLane('missing')).toBeUndefined();
    expect([...context.lanesOfType('digital').keys()]).toEqual(['shutter']);
  });
});
