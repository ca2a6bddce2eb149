import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageBasedResource } from '../message-based-resource.js';
import { openResource } from '../open-resource.js';
import { ScpiSimulator } from '../simulator/scpi-simulator.js';
import { testInstrument } from '../testing/test-instrument.test-helper.js';
import { ScpiInstrumentError, ScpiResponseError } from './scpi-errors.js';
import { ScpiInstrument, parseScpiErrorEntry } from './scpi-instrument.js';

let simulator: ScpiSimulator;
let resource: MessageBasedResource;

beforeAll(async () => {
  simulator = await ScpiSimulator.start({ instrument: testInstrument(), vxi11: false });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  simulator.instrument.reset();
  resource = await openResource(simulator.socketResource, { backend: 'tcpip', timeout: 500 });
});

afterEach(async () => {
  await resource.close();
});

describe('a SCPI instrument', () => {
  it('identifies itself from *IDN?', async () => {
    expect(await new ScpiInstrument(resource).identify()).toEqual({
      manufacturer: 'SHOTLINE',
      model: 'TEST-METER',
      serialNumber: '0001',
      firmware: '1.0',
    });
  });

  it('checks the error queue after a command that the instrument accepts', async () => {
    await new ScpiInstrument(resource).command('VOLT 3');
    expect(simulator.instrument.property('voltage')).toBe(3);
    expect(simulator.instrument.received).toContain('SYST:ERR?');
  });

  it("turns an error-queue entry into a typed error with the instrument's code and text", async () => {
    const error = (await new ScpiInstrument(resource)
      .command('VOLT 42')
      .catch((e: unknown) => e)) as ScpiInstrumentError;
    expect(error).toBeInstanceOf(ScpiInstrumentError);
    expect(error.code).toBe('SCPI_INSTRUMENT_ERROR');
    expect(error.instrumentCode).toBe(-222);
    expect(error.instrumentMessage).toBe('Data out of range');
    expect(error.command).toBe('VOLT 42');
    expect(error.location.resource).toBe(resource.resourceName);
    expect(error.message).toContain('error -222 "Data out of range" after "VOLT 42"');
  });

  it('drains every queued entry and reports them all', async () => {
    await resource.write('NOPE 1');
    await resource.write('NOPE 2');
    const error = (await new ScpiInstrument(resource)
      .command('VOLT 99')
      .catch((e: unknown) => e)) as ScpiInstrumentError;
    expect(error.entries.map((e) => e.code)).toEqual([-113, -113, -222]);
    expect(error.message).toContain('and 2 more');
    expect(await new ScpiInstrument(resource).readErrorQueue()).toEqual([]);
  });

  it('skips the check for instruments without an error queue', async () => {
    const instrument = new ScpiInstrument(resource, { errorQuery: null });
    await instrument.command('VOLT 42');
    expect(simulator.instrument.received).not.toContain('SYST:ERR?');
  });

  it('parses numbers and refuses replies that are not', async () => {
    const instrument = new ScpiInstrument(resource);
    expect(await instrument.queryNumber('VOLT?')).toBe(1.5);
    await expect(instrument.queryNumber('*IDN?')).rejects.toBeInstanceOf(ScpiResponseError);
  });

  it('waits for pending operations with *OPC?', async () => {
    await expect(new ScpiInstrument(resource).waitOperationComplete()).resolves.toBeUndefined();
  });
});

describe('error-queue entries', () => {
  it.each([
    ['-222,"Data out of range"', -222, 'Data out of range'],
    ['+0,"No error"', 0, 'No error'],
    ['0, No Error', 0, 'No Error'],
    ['  101 , "Device, busy" ', 101, 'Device, busy'],
  ])('parse %j', (reply, code, message) => {
    expect(parseScpiErrorEntry(reply)).toEqual({ code, message });
  });

  it('reject a reply without a code', () => {
    expect(() => parseScpiErrorEntry('ERROR', 'TCPIP0::h::5025::SOCKET')).toThrow(
      /"ERROR" is not "<code>,<message>"/,
    );
  });
});
