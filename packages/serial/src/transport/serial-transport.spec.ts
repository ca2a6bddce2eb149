import { AbortedError } from '@shotline/core';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SerialDisconnectedError,
  SerialOpenError,
  SerialPortClosedError,
  SerialProtocolError,
  SerialTimeoutError,
} from '../errors/serial-errors.js';
import { MockSerialLink } from '../simulator/mock-serial-link.js';
import { ScriptedInstrument, type Responder } from './scripted-instrument.test-helper.js';
import { lineFraming, type SerialFraming } from './serial-framing.js';
import { mockSerialPorts } from './serial-port-factory.js';
import { SerialTransport, type SerialTransportOptions } from './serial-transport.js';

const PATH = '/dev/ttyTEST0';

function setup(
  respond?: Responder,
  framing: SerialFraming = lineFraming('\r\n', 32),
  options: Pick<SerialTransportOptions, 'quietMs' | 'quietTimeoutMs' | 'resync'> = {},
) {
  const instrument = new ScriptedInstrument(respond);
  const link = new MockSerialLink(instrument);
  const transport = new SerialTransport({
    settings: { path: PATH, baudRate: 9600 },
    framing,
    openPort: link.openPort,
    ...options,
  });
  return { instrument, link, transport };
}

const text = (frame: Buffer): string => frame.toString('latin1');

afterEach(() => {
  SerialPortMock.binding.reset();
});

describe('SerialTransport', () => {
  it('sends a request and resolves with the reply frame, without its delimiter', async () => {
    const { transport, instrument } = setup((line) => (line === 'ID?' ? 'SIM,1\r\n' : undefined));
    await transport.open();
    const reply = await transport.query('ID?\r\n', { timeoutMs: 5000 });
    expect(text(reply)).toBe('SIM,1');
    expect(instrument.received).toEqual(['ID?']);
    await transport.close();
  });

  it('opens the port with the given line settings', async () => {
    SerialPortMock.binding.createPort(PATH);
    let opened: SerialPortMock | undefined;
    const transport = new SerialTransport({
      settings: { path: PATH, baudRate: 57600, dataBits: 7, parity: 'odd', flowControl: 'rts-cts' },
      framing: lineFraming(),
      openPort: (request) => (opened = mockSerialPorts(request) as SerialPortMock),
    });
    await transport.open();
    expect(opened?.port?.openOptions).toMatchObject({
      baudRate: 57600,
      dataBits: 7,
      parity: 'odd',
      stopBits: 1,
      rtscts: true,
      xon: false,
    });
    expect(transport.settings).toEqual({
      path: PATH,
      baudRate: 57600,
      dataBits: 7,
      parity: 'odd',
      stopBits: 1,
      flowControl: 'rts-cts',
    });
    await transport.close();
  });

  it('fails to open a port that does not exist with an error naming the port', async () => {
    const transport = new SerialTransport({
      settings: { path: '/dev/ttyNOPE', baudRate: 9600 },
      framing: lineFraming(),
      openPort: mockSerialPorts,
    });
    const opening = transport.open();
    await expect(opening).rejects.toBeInstanceOf(SerialOpenError);
    await expect(opening).rejects.toThrow(/cannot open serial port \/dev\/ttyNOPE \(9600 8N1\)/);
    expect(transport.isOpen).toBe(false);
  });

  it('runs one request at a time: the second is written after the first reply', async () => {
    const { transport, instrument } = setup();
    const order: string[] = [];
    instrument.answer((line) => {
      order.push(`received ${line}`);
      return undefined;
    });
    await transport.open();
    const firstLine = instrument.nextLine();
    const first = transport.query('A\n', { timeoutMs: 5000 });
    const second = transport.query('B\n', { timeoutMs: 5000 });
    await firstLine;
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['received A']);
    const secondLine = instrument.nextLine();
    instrument.send('a\r\n');
    expect(text(await first)).toBe('a');
    await secondLine;
    expect(order).toEqual(['received A', 'received B']);
    instrument.send('b\r\n');
    expect(text(await second)).toBe('b');
    await transport.close();
  });

  it('skips frames the request does not accept and resolves with the decoded reply', async () => {
    const { transport } = setup(() => '1:other\r\n0:busy\r\n0:42\r\n');
    await transport.open();
    const value = await transport.query('0?\n', {
      timeoutMs: 5000,
      accept: (frame) => {
        const [address, data] = text(frame).split(':');
        if (address !== '0' || data === 'busy') return undefined;
        return Number(data);
      },
    });
    expect(value).toBe(42);
    await transport.close();
  });

  it('fails with the error the reply decoder throws', async () => {
    const { transport } = setup(() => 'garbage\r\n');
    await transport.open();
    const query = transport.query('0?\n', {
      timeoutMs: 5000,
      accept: (frame) => {
        throw new SerialProtocolError('not a reply', frame);
      },
    });
    await expect(query).rejects.toBeInstanceOf(SerialProtocolError);
    await expect(query).rejects.toThrow(
      /not a reply; it came as the reply to "0\?\\n" on serial port \/dev\/ttyTEST0 after \d+ ms \(resource "\/dev\/ttyTEST0"\)/,
    );
    await transport.close();
  });

  it('times out with the partial frame received, and drops it so the next reply is clean', async () => {
    const { transport, instrument } = setup((line) => (line === 'slow' ? '0PO00' : 'OK\r\n'));
    await transport.open();
    const error = await transport.query('slow\n', { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerialTimeoutError);
    expect((error as SerialTimeoutError).message).toMatch(
      /no reply to "slow\\n" from serial port \/dev\/ttyTEST0 within 100 ms; received "0PO00" without the end of the frame/,
    );
    expect(Buffer.from((error as SerialTimeoutError).partial).toString()).toBe('0PO00');
    expect((error as SerialTimeoutError).recoverable).toBe(true);
    expect(text(await transport.query('next\n', { timeoutMs: 5000 }))).toBe('OK');
    expect(instrument.received).toEqual(['slow', 'next']);
    await transport.close();
  });

  it('drops a late reply to a timed-out request instead of giving it to the next one', async () => {
    const { transport, instrument } = setup();
    await transport.open();
    await expect(transport.query('first\n', { timeoutMs: 50 })).rejects.toBeInstanceOf(
      SerialTimeoutError,
    );
    instrument.send('late reply\r\n');
    await new Promise((r) => setTimeout(r, 20));
    instrument.answer(() => 'fresh reply\r\n');
    expect(text(await transport.query('second\n', { timeoutMs: 5000 }))).toBe('fresh reply');
    await transport.close();
  });

  it('a late reply that arrives after the next request was sent is dropped by the protocol resync', async () => {
    // An instrument that answers in order: the late reply to "first" comes before any later one.
    const { instrument, transport } = setup(undefined, undefined, {
      quietMs: 20,
      resync: { request: 'SYNC?\n', isReply: (frame) => text(frame) === 'SYNC' },
    });
    await transport.open();
    await expect(transport.query('first\n', { timeoutMs: 50 })).rejects.toBeInstanceOf(
      SerialTimeoutError,
    );
    expect(transport.isUnsynchronised).toBe(true);
    instrument.answer((line) =>
      line === 'SYNC?' ? ['stale first\r\n', 'SYNC\r\n'] : `fresh ${line}\r\n`,
    );
    expect(text(await transport.query('second\n', { timeoutMs: 5000 }))).toBe('fresh second');
    expect(instrument.received).toEqual(['first', 'SYNC?', 'second']);
    expect(transport.isUnsynchronised).toBe(false);
    await transport.close();
  });

  it('stays unsynchronised across a close and a reopen: the instrument does not know we closed', async () => {
    const { transport, instrument } = setup();
    await transport.open();
    await expect(transport.query('first\n', { timeoutMs: 50 })).rejects.toBeInstanceOf(
      SerialTimeoutError,
    );
    await transport.close();
    await transport.open();
    expect(transport.isUnsynchronised).toBe(true);
    instrument.answer(() => 'ok\r\n');
    expect(text(await transport.query('again\n', { timeoutMs: 5000 }))).toBe('ok');
    expect(transport.isUnsynchronised).toBe(false);
    await transport.close();
  });

  it('fails with a protocol error naming the port when the line never goes quiet', async () => {
    // A quiet window much longer than the chatter's period, even on a loaded machine.
    const { instrument, transport } = setup(undefined, undefined, {
      quietMs: 1000,
      quietTimeoutMs: 3000,
    });
    await transport.open();
    await expect(transport.query('first\n', { timeoutMs: 50 })).rejects.toBeInstanceOf(
      SerialTimeoutError,
    );
    const chatter = setInterval(() => instrument.send('noise '), 5);
    try {
      const error = await transport.query('second\n', { timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerialProtocolError);
      expect((error as Error).message).toMatch(
        /serial port \/dev\/ttyTEST0 did not go quiet within 3000 ms while resynchronising before "second\\n" \(after "first\\n" timed out\): \d+ bytes discarded, starting "noise /,
      );
    } finally {
      clearInterval(chatter);
    }
    expect(instrument.received).toEqual(['first']);
    instrument.answer(() => 'ok\r\n');
    expect(text(await transport.query('third\n', { timeoutMs: 5000 }))).toBe('ok');
    await transport.close();
  });

  it('clears on demand: unsolicited bytes are discarded before the next request', async () => {
    const { transport, instrument } = setup(() => 'reply\r\n');
    await transport.open();
    instrument.send('unsolicited\r\npartial');
    await new Promise((r) => setTimeout(r, 20));
    expect(transport.isUnsynchronised).toBe(true);
    await transport.clear();
    expect(transport.isUnsynchronised).toBe(false);
    expect(text(await transport.query('q\n', { timeoutMs: 5000 }))).toBe('reply');
    await transport.close();
  });

  it('aborts a request in flight through its signal', async () => {
    const { transport, instrument } = setup();
    await transport.open();
    const controller = new AbortController();
    const query = transport.query('wait\n', { timeoutMs: 60_000, signal: controller.signal });
    await instrument.nextLine();
    controller.abort();
    await expect(query).rejects.toBeInstanceOf(AbortedError);
    instrument.answer(() => 'ok\r\n');
    expect(text(await transport.query('again\n', { timeoutMs: 5000 }))).toBe('ok');
    await transport.close();
  });

  it('rejects bytes that never form a frame once they exceed the frame bound', async () => {
    const { transport } = setup(() => Buffer.alloc(40, 0xff));
    await transport.open();
    const query = transport.query('noise?\n', { timeoutMs: 60_000 });
    await expect(query).rejects.toBeInstanceOf(SerialProtocolError);
    await expect(query).rejects.toThrow(
      /received 40 bytes from serial port \/dev\/ttyTEST0 that do not form a frame \(expected frames ending with "\\r\\n", at most 32 bytes\) while waiting for the reply to "noise\?\\n" \(after \d+ ms\): "\\xff\\xff/,
    );
    await transport.close();
  });

  it('fails the request in flight with a disconnection error naming the port when it disappears', async () => {
    const { transport, instrument, link } = setup();
    await transport.open();
    const query = transport.query('0gp\r\n', { timeoutMs: 60_000 });
    await instrument.nextLine();
    link.unplug('adapter removed');
    await expect(query).rejects.toBeInstanceOf(SerialDisconnectedError);
    await expect(query).rejects.toThrow(
      /serial port \/dev\/ttyTEST0 disappeared \(adapter removed\) while waiting for the reply to "0gp\\r\\n"/,
    );
    expect(transport.isOpen).toBe(false);
    expect(transport.isDisconnected).toBe(true);
    await expect(transport.query('0gs\r\n', { timeoutMs: 1000 })).rejects.toBeInstanceOf(
      SerialDisconnectedError,
    );
  });

  it('opens again after a disconnection', async () => {
    const { transport, link } = setup(() => 'back\r\n');
    await transport.open();
    link.unplug();
    await new Promise((r) => setImmediate(r));
    expect(transport.isOpen).toBe(false);
    await transport.open();
    expect(transport.isDisconnected).toBe(false);
    expect(text(await transport.query('x\n', { timeoutMs: 5000 }))).toBe('back');
    await transport.close();
  });

  it('fails the request in flight when the port is closed on purpose', async () => {
    const { transport, instrument } = setup();
    await transport.open();
    const query = transport.query('wait\n', { timeoutMs: 60_000 });
    await instrument.nextLine();
    await transport.close();
    await expect(query).rejects.toBeInstanceOf(SerialPortClosedError);
    await expect(query).rejects.toThrow(/was closed while waiting for the reply to "wait\\n"/);
  });

  it('refuses requests on a port that is not open', async () => {
    const { transport } = setup();
    await expect(transport.query('x\n', { timeoutMs: 1000 })).rejects.toThrow(
      /cannot send "x\\n": serial port \/dev\/ttyTEST0 is not open/,
    );
  });

  it('closes idempotently, releasing the port for another user', async () => {
    const { transport, link } = setup();
    await transport.open();
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(transport.isOpen).toBe(false);
    const other = new SerialTransport({
      settings: { path: PATH, baudRate: 9600 },
      framing: lineFraming(),
      openPort: link.openPort,
    });
    await other.open();
    await other.close();
  });

  it('writes bytes that expect no reply, in turn with the queries', async () => {
    const { transport, instrument } = setup();
    await transport.open();
    await transport.write('RESET\n');
    expect(instrument.received).toEqual(['RESET']);
    await transport.close();
  });

  it('frames fixed-length binary replies', async () => {
    const { transport } = setup(() => Buffer.from([1, 2, 3, 4, 5, 6]), {
      kind: 'fixed-length',
      length: 4,
    });
    await transport.open();
    expect([...(await transport.query('q\n', { timeoutMs: 5000 }))]).toEqual([1, 2, 3, 4]);
    await transport.close();
  });

  it('frames replies separated by silence', async () => {
    const { transport } = setup(() => Buffer.from([0xaa, 0x00, 0x55]), {
      kind: 'idle-gap',
      intervalMs: 20,
    });
    await transport.open();
    expect([...(await transport.query('q\n', { timeoutMs: 5000 }))]).toEqual([0xaa, 0x00, 0x55]);
    await transport.close();
  });
});
