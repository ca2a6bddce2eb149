import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageBasedResource } from './message-based-resource.js';
import type { ScpiSimulator } from './simulator/scpi-simulator.js';
import { testBackends, useTestSimulator } from './testing/backends.test-helper.js';
import { compileFakeVisa } from './testing/fake-visa-library.test-helper.js';
import { VisaStatus } from './visa-constants.js';
import {
  VisaConnectionLostError,
  VisaReplyTooLargeError,
  VisaResourceClosedError,
  VisaTimeoutError,
  type VisaIOError,
} from './visa-errors.js';

const fakeVisa = await compileFakeVisa();

const backends = testBackends(fakeVisa);

const testSimulator = useTestSimulator(fakeVisa);

describe.each(backends)('a message-based resource through the $label backend', (backend) => {
  let resource: MessageBasedResource;
  let simulator: ScpiSimulator;

  beforeEach(async () => {
    simulator = testSimulator();
    simulator.unmute();
    simulator.instrument.reset();
    resource = await backend.open(simulator, { timeout: 400 });
  });

  afterEach(async () => {
    await resource.close();
  });

  it('answers *IDN? with the termination stripped', async () => {
    expect(resource.backend).toBe(backend.kind);
    expect(await resource.query('*IDN?')).toBe('SHOTLINE,TEST-METER,0001,1.0');
  });

  it('sends commands that change the instrument', async () => {
    await resource.write('VOLT 2.5');
    expect(await resource.query('VOLT?')).toBe('2.500');
    expect(simulator.instrument.property('voltage')).toBe(2.5);
  });

  it('reads a definite-length binary block whose data contains the termination character', async () => {
    expect([...(await resource.queryBinaryBlock('BYTES?'))]).toEqual([10, 13, 0, 255]);
    expect(await resource.query('*IDN?')).toContain('TEST-METER');
  });

  it('decodes binary values (little-endian float32)', async () => {
    expect(await resource.queryBinaryValues('CURV?', { datatype: 'float32' })).toEqual([
      1.5, -2.25,
    ]);
  });

  it('reads an indefinite-length (#0) block up to the termination', async () => {
    expect((await resource.queryBinaryBlock('STREAM?')).toString('latin1')).toBe('abc');
  });

  it('reads a reply longer than one read chunk', async () => {
    const small = await backend.open(simulator, { chunkSize: 1000 });
    try {
      expect(await small.query('LONG?')).toBe('x'.repeat(5000));
    } finally {
      await small.close();
    }
  });

  it('writes a binary block larger than a VXI-11 link accepts at once, as one message', async () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => 0x20 + (i % 90)));
    await resource.writeBinaryBlock('DATA ', data);
    await resource.query('*OPC?');
    const received = simulator.instrument.received.find((m) => m.startsWith('DATA '));
    expect(received).toBe(`DATA #43000${data.toString('latin1')}`);
  });

  it('reads a 5 MB binary block and a 5 MB text reply whole', async () => {
    const data = Buffer.alloc(5_000_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 256; // holds 0x0A bytes
    simulator.instrument.addDialogue('BIG:BLOCK?', Buffer.concat([Buffer.from('#75000000'), data]));
    simulator.instrument.addDialogue('BIG:TEXT?', 'y'.repeat(5_000_000));
    await resource.setTimeout(30_000);
    expect((await resource.queryBinaryBlock('BIG:BLOCK?')).equals(data)).toBe(true);
    expect(await resource.query('BIG:TEXT?')).toBe('y'.repeat(5_000_000));
    expect(await resource.query('*IDN?')).toBe('SHOTLINE,TEST-METER,0001,1.0');
  }, 120_000);

  it('refuses a binary block announcing more than maxReplyBytes, then answers right', async () => {
    const small = await backend.open(simulator, { timeout: 2000, maxReplyBytes: 1000 });
    try {
      simulator.instrument.addDialogue('HUGE?', `#42000${'z'.repeat(2000)}`);
      const error = await small.queryBinaryBlock('HUGE?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VisaReplyTooLargeError);
      expect((error as Error).message).toMatch(
        /query "HUGE\?" .*a binary block announcing 2000 bytes exceeds maxReplyBytes \(1000\)/,
      );
      expect(await small.query('*IDN?')).toBe('SHOTLINE,TEST-METER,0001,1.0');
    } finally {
      await small.close();
    }
  });

  it('reads exactly the requested number of bytes', async () => {
    await resource.write('*IDN?');
    expect((await resource.readBytes(8)).toString('latin1')).toBe('SHOTLINE');
    expect(await resource.read()).toBe(',TEST-METER,0001,1.0');
  });

  it('times out with a typed error naming the resource and the query, then keeps working', async () => {
    const error = await resource.query('SILENT').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VisaTimeoutError);
    const timeout = error as VisaTimeoutError;
    expect(timeout.status).toBe(VisaStatus.VI_ERROR_TMO);
    expect(timeout.code).toBe('VISA_TIMEOUT');
    expect(timeout.recoverable).toBe(true);
    expect(timeout.location.resource).toBe(resource.resourceName);
    expect(timeout.message).toContain('query "SILENT"');
    expect(timeout.message).toContain('0xBFFF0015');
    expect(timeout.message).toContain(resource.resourceName);
    expect(await resource.query('*IDN?')).toContain('TEST-METER');
  });

  it('times out when the instrument stops answering', async () => {
    simulator.mute();
    await expect(resource.query('*IDN?')).rejects.toBeInstanceOf(VisaTimeoutError);
  });

  if (backend.signalsEnd) {
    it('ends a read at END even without a termination character', async () => {
      await resource.setReadTermination(null);
      expect(await resource.query('*IDN?')).toBe('SHOTLINE,TEST-METER,0001,1.0\n');
    });
  } else {
    it('keeps the bytes received before a timeout (no termination in the reply)', async () => {
      await resource.setReadTermination('\r');
      const error = (await resource.query('*IDN?').catch((e: unknown) => e)) as VisaIOError;
      expect(error).toBeInstanceOf(VisaTimeoutError);
      expect(Buffer.from(error.partialData!).toString('latin1')).toBe(
        'SHOTLINE,TEST-METER,0001,1.0\n',
      );
    });
  }

  it('discards a pending reply on device clear', async () => {
    await resource.write('*IDN?');
    while (!simulator.instrument.received.includes('*IDN?')) await sleep(5);
    await resource.clear();
    expect(await resource.query('VOLT?')).toBe('1.500');
  });

  it('reads the status byte: error queue and event summary after a bad command', async () => {
    expect(await resource.readStatusByte()).toBe(0);
    await resource.write('BOGUS:COMMAND 3');
    expect(await resource.readStatusByte()).toBe(0x04 | 0x20);
    expect(await resource.query('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(await resource.query('SYST:ERR?')).toBe('+0,"No error"');
    await resource.write('*CLS');
    expect(await resource.readStatusByte()).toBe(0);
  });

  it('reads and sets attributes with their VISA types', async () => {
    expect(await resource.getAttribute('VI_ATTR_TMO_VALUE')).toBe(400);
    await resource.setTimeout(1234);
    expect(await resource.getAttribute('VI_ATTR_TMO_VALUE')).toBe(1234);
    expect(resource.timeout).toBe(1234);
    expect(await resource.getAttribute('VI_ATTR_TERMCHAR')).toBe(0x0a);
    expect(await resource.getAttribute('VI_ATTR_TERMCHAR_EN')).toBe(true);
    expect(await resource.getAttribute('VI_ATTR_INTF_TYPE')).toBe(6);
    expect(await resource.getAttribute('VI_ATTR_RSRC_NAME')).toBe(resource.resourceName);
    await resource.setTimeout(Infinity);
    expect(await resource.getAttribute('VI_ATTR_TMO_VALUE')).toBe(0xffffffff);
    expect(await resource.query('*IDN?')).toContain('TEST-METER');
  });

  it('reports unsupported, read-only and invalid attribute values with VISA statuses', async () => {
    const statusOf = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'no error',
        (e: VisaIOError) => e.statusName,
      );
    expect(await statusOf(resource.getAttribute('VI_ATTR_ASRL_BAUD'))).toBe('VI_ERROR_NSUP_ATTR');
    expect(await statusOf(resource.setAttribute('VI_ATTR_INTF_TYPE', 1))).toBe(
      'VI_ERROR_ATTR_READONLY',
    );
    expect(await statusOf(resource.setAttribute('VI_ATTR_TERMCHAR', 300))).toBe(
      'VI_ERROR_NSUP_ATTR_STATE',
    );
  });

  it('serialises concurrent queries so each gets its own reply', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => resource.query(i % 2 ? '*IDN?' : 'VOLT?')),
    );
    replies.forEach((reply, i) => {
      expect(reply).toBe(i % 2 ? 'SHOTLINE,TEST-METER,0001,1.0' : '1.500');
    });
  });

  it('gives a connection-lost error naming the resource when the instrument goes away', async () => {
    expect(await resource.query('*IDN?')).toContain('TEST-METER');
    simulator.dropConnections();
    await sleep(20);
    const error = (await resource.query('*IDN?').catch((e: unknown) => e)) as VisaIOError;
    expect(error).toBeInstanceOf(VisaConnectionLostError);
    expect(error.statusName).toBe('VI_ERROR_CONN_LOST');
    expect(error.location.resource).toBe(resource.resourceName);
  });

  it('refuses operations once closed', async () => {
    await resource.close();
    expect(resource.closed).toBe(true);
    await expect(resource.query('*IDN?')).rejects.toBeInstanceOf(VisaResourceClosedError);
    await resource.close();
  });

  it('rejects an ambiguous read termination before touching the session', async () => {
    await expect(resource.setReadTermination('\n\r\n')).rejects.toThrow(/ambiguous/);
    expect(resource.readTermination).toBe('\n');
  });
});

describe('the backends', () => {
  it('are all exercised here (the VISA library one needs gcc)', () => {
    expect(backends.length).toBe(fakeVisa ? 3 : 2);
  });
});
