import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidValueError, type ShotlineError } from '@shotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScpiSimulator } from '../simulator/scpi-simulator.js';
import { testInstrument } from '../testing/test-instrument.test-helper.js';
import type { Sdg6000xChannelState } from './sdg6000x-compiler.js';
import { Sdg6000xDevice } from './sdg6000x-device.js';

let generator: ScpiSimulator;
let meter: ScpiSimulator;

beforeAll(async () => {
  generator = await ScpiSimulator.start({ vxi11: false });
  meter = await ScpiSimulator.start({ instrument: testInstrument(), vxi11: false });
});

afterAll(async () => {
  await generator.close();
  await meter.close();
});

const init = (resource: string) => ({
  resource,
  backend: 'tcpip' as const,
  libraryPath: undefined,
  timeoutMs: 500,
  checkErrorQueue: true,
});

const state: Sdg6000xChannelState = {
  output: true,
  frequency: 12.5e6,
  amplitude: 0.8,
  offset: 0,
  load: 'HZ',
};

describe('the SDG6000X device', () => {
  it('identifies the generator when it opens', async () => {
    await using device = new Sdg6000xDevice('rf', init(generator.socketResource));
    await device.open();
    expect(device.identification).toMatchObject({
      manufacturer: 'Siglent Technologies',
      model: 'SDG6022X',
    });
  });

  it('writes only the settings that differ from what the generator reports', async () => {
    generator.instrument.reset();
    await using device = new Sdg6000xDevice('rf', init(generator.socketResource));
    await device.open();
    const first = await device.applyState({ channels: [state, null] });
    expect(first[0]!.commands).toEqual(['C1:BSWV FRQ,12500000', 'C1:BSWV AMP,0.8', 'C1:OUTP ON']);
    const again = await device.applyState({ channels: [state, null] });
    expect(again[0]!.commands).toEqual([]);
    expect(generator.instrument.received.some((m) => m.startsWith('C2:'))).toBe(false);
  });

  it('refuses an instrument that is not a Siglent SDG and closes the session', async () => {
    const device = new Sdg6000xDevice('rf', init(meter.socketResource));
    const error = (await device.open().catch((e: unknown) => e)) as ShotlineError;
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(error.message).toContain('SHOTLINE TEST-METER, not a Siglent SDG');
    expect(error.location).toMatchObject({ device: 'rf', resource: meter.socketResource });
    await device.close();
    expect(device.session).toBeUndefined();
    for (let i = 0; i < 100 && meter.connectionCount > 0; i++) await sleep(10);
    expect(meter.connectionCount).toBe(0);
  });
});
