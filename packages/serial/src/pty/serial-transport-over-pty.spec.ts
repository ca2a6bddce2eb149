/**
 * The transport over a real pseudo-terminal pair (socat), with a scripted line instrument on the
 * other end. Skips, saying why, when socat is not installed; CI installs it.
 */
import { AbortedError } from '@shotline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SerialDisconnectedError } from '../errors/serial-errors.js';
import { serveSimulator, type SimulatorServer } from '../simulator/serve-simulator.js';
import { ScriptedInstrument } from '../transport/scripted-instrument.test-helper.js';
import { lineFraming } from '../transport/serial-framing.js';
import type { SerialSettings } from '../transport/serial-settings.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { isSocatAvailable, PtyPair } from './socat-pty-pair.js';

const socat = isSocatAvailable();
if (!socat) {
  console.warn('skipping the transport pseudo-terminal tests: socat is not installed');
}

describe.skipIf(!socat)('SerialTransport over a real pseudo-terminal', { timeout: 30_000 }, () => {
  let pair: PtyPair;
  let instrument: ScriptedInstrument;
  let server: SimulatorServer;
  let transport: SerialTransport;

  function open(settings: Partial<SerialSettings> = {}): SerialTransport {
    transport = new SerialTransport({
      settings: { path: pair.hostPath, baudRate: 115200, ...settings },
      framing: lineFraming(),
    });
    return transport;
  }

  beforeEach(async () => {
    pair = await PtyPair.open();
    instrument = new ScriptedInstrument((line) => `echo ${line}\r\n`);
    server = await serveSimulator(instrument, { path: pair.instrumentPath, baudRate: 115200 });
  });

  afterEach(async () => {
    await transport?.close();
    await server.close();
    await pair.close();
  });

  it('exchanges lines with 7 data bits, odd parity and 2 stop bits set on the port', async () => {
    await open({ dataBits: 7, parity: 'odd', stopBits: 2 }).open();
    const reply = await transport.query('*IDN?\r\n', { timeoutMs: 5000 });
    expect(reply.toString('latin1')).toBe('echo *IDN?');
  });

  it('reports the other side hanging up while no request is waiting, and closes the port', async () => {
    await open().open();
    expect((await transport.query('ping\r\n', { timeoutMs: 5000 })).toString()).toBe('echo ping');
    const disconnected = new Promise<SerialDisconnectedError>((resolve) =>
      transport.onDisconnect(resolve),
    );
    await pair.unplug();
    const error = await disconnected;
    expect(error.message).toContain(`serial port ${pair.hostPath} disappeared`);
    expect(transport.isOpen).toBe(false);
    expect(transport.isDisconnected).toBe(true);
  });

  it('keeps the port usable after a request is aborted', async () => {
    await open().open();
    instrument.answer((line) => (line === 'slow' ? undefined : `echo ${line}\r\n`));
    const controller = new AbortController();
    const slow = transport.query('slow\r\n', { timeoutMs: 60_000, signal: controller.signal });
    const queued = transport.query('next\r\n', { timeoutMs: 5000 });
    await instrument.nextLine();
    controller.abort();
    await expect(slow).rejects.toBeInstanceOf(AbortedError);
    expect((await queued).toString()).toBe('echo next');
  });

  it('writes commands without a reply in order with the queries', async () => {
    await open().open();
    instrument.answer((line) => (line === '*RST' ? undefined : `echo ${line}\r\n`));
    await transport.write('*RST\r\n');
    expect((await transport.query('*OPC?\r\n', { timeoutMs: 5000 })).toString()).toBe('echo *OPC?');
    expect(instrument.received).toEqual(['*RST', '*OPC?']);
  });
});
