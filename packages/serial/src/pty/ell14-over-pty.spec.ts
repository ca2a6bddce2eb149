/**
 * Integration tests over a real pseudo-terminal pair made by socat: the driver opens one end with
 * serialport's native bindings, the simulator serves the other end. Nothing here is mocked below
 * the kernel's tty layer. Without socat these tests skip and say why; CI installs socat.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ell14StatusError } from '../ell14/ell14-errors.js';
import { ELL14_FRAMING, ell14SerialSettings } from '../ell14/ell14-protocol.js';
import { createEll14, type Ell14 } from '../ell14/ell14.js';
import {
  SerialDisconnectedError,
  SerialOpenError,
  SerialProtocolError,
  SerialTimeoutError,
} from '../errors/serial-errors.js';
import { Ell14Simulator } from '../simulator/ell14-simulator.js';
import { serveSimulator, type SimulatorServer } from '../simulator/serve-simulator.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { isSocatAvailable, PtyPair } from './socat-pty-pair.js';

const socat = isSocatAvailable();
if (!socat) {
  console.warn(
    'skipping the pseudo-terminal tests: socat is not installed (apt-get install socat)',
  );
}

describe.skipIf(!socat)('ELL14 over a real pseudo-terminal', { timeout: 30_000 }, () => {
  let pair: PtyPair;
  let simulator: Ell14Simulator;
  let server: SimulatorServer | undefined;
  let mount: Ell14;

  beforeEach(async () => {
    pair = await PtyPair.open();
    simulator = new Ell14Simulator({ initialDegrees: 12.5 });
    server = await serveSimulator(simulator, { path: pair.instrumentPath });
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: 2000, moveTimeoutMs: 10_000 });
  });

  afterEach(async () => {
    await mount.close();
    await server?.close();
    simulator.dispose();
    await pair.close();
  });

  /** The host end is free again: another program can open it (serialport locks open ports). */
  async function expectPortReleased(): Promise<void> {
    expect(mount.isOpen).toBe(false);
    const other = new SerialTransport({
      settings: ell14SerialSettings(pair.hostPath),
      framing: ELL14_FRAMING,
    });
    await other.open();
    await other.close();
  }

  it('identifies, moves and reads the mount through the tty layer', async () => {
    await mount.open();
    expect(mount.info).toMatchObject({ model: 14, pulsesPerRevolution: 0x23000 });
    expect(await mount.position()).toBeCloseTo(12.5, 2);
    expect(await mount.moveAbsolute(271.25)).toBeCloseTo(271.25, 2);
    expect(await mount.home()).toBe(0);
    expect(simulator.commands).toEqual(['0in', '0gs', '0gp', '0ma0001A5F2', '0ho0']);
  });

  it('refuses to open the same port twice while it is open', async () => {
    await mount.open();
    const second = new SerialTransport({
      settings: ell14SerialSettings(pair.hostPath),
      framing: ELL14_FRAMING,
    });
    await expect(second.open()).rejects.toBeInstanceOf(SerialOpenError);
    await mount.close();
    await expectPortReleased();
  });

  it('fails to open a path that does not exist, naming it', async () => {
    const missing = createEll14({ path: `${pair.hostPath}-missing` });
    await expect(missing.open()).rejects.toThrow(
      new RegExp(`cannot open serial port ${pair.hostPath}-missing \\(9600 8N1\\)`),
    );
  });

  it('garbage instead of a reply: a protocol error, then the port closes cleanly', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'garbage', data: '\x00\xff~~ noise ~~\r\n' }, 'gp');
    const reading = mount.position();
    await expect(reading).rejects.toBeInstanceOf(SerialProtocolError);
    await expect(reading).rejects.toThrow(/malformed ELL14 reply "\\x00\\xff~~ noise ~~"/);
    await mount.close();
    await expectPortReleased();
  });

  it('garbage without any line end: a protocol error once the frame bound is passed', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'garbage', data: Buffer.alloc(200, 0x55) }, 'gp');
    await expect(mount.position()).rejects.toThrow(
      /bytes from serial port .* that do not form a frame \(expected frames ending with "\\r\\n", at most 64 bytes\)/,
    );
    await mount.close();
    await expectPortReleased();
  });

  it('a reply in pieces is assembled into one frame', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'split' }, 'gp');
    expect(await mount.position()).toBeCloseTo(12.5, 2);
  });

  it('half a reply and nothing more: a timeout that shows the partial frame', async () => {
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: 300 });
    await mount.open();
    simulator.injectFault({ kind: 'partial' }, 'gp');
    const error = await mount.position().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerialTimeoutError);
    expect((error as Error).message).toMatch(
      /no reply to "0gp" from serial port .* within 300 ms; received "0PO000" without the end of the frame/,
    );
    // The fragment is dropped: the next command gets its own, complete reply.
    expect(await mount.position()).toBeCloseTo(12.5, 2);
    await mount.close();
    await expectPortReleased();
  });

  it('silence: a timeout, then the port closes cleanly', async () => {
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: 300 });
    await mount.open();
    simulator.injectFault({ kind: 'silence' }, 'gp');
    await expect(mount.position()).rejects.toBeInstanceOf(SerialTimeoutError);
    await mount.close();
    await expectPortReleased();
  });

  it('an error status from the mount is a typed error with code and meaning', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'status', status: 13 }, 'ma');
    await expect(mount.moveAbsolute(10)).rejects.toMatchObject({
      constructor: Ell14StatusError,
      status: 13,
      statusName: 'OVER_CURRENT',
      meaning: 'over current error',
    });
  });

  it('the pty closed in the middle of a query: a disconnection error naming the port, port closed', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'silence' }, 'ma');
    const moving = mount.moveAbsolute(90).catch((e: unknown) => e);
    await simulator.nextCommand('ma');
    await pair.unplug();
    const error = await moving;
    expect(error).toBeInstanceOf(SerialDisconnectedError);
    expect((error as Error).message).toContain(`serial port ${pair.hostPath} disappeared`);
    expect((error as Error).message).toContain('while waiting for the reply to "0ma00008C00"');
    expect(mount.isOpen).toBe(false);
    await expect(mount.position()).rejects.toBeInstanceOf(SerialDisconnectedError);
  });

  it('opens again once the port is back', async () => {
    await mount.open();
    const gone = new Promise((resolve) => mount.transport.onDisconnect(resolve));
    await pair.unplug();
    await expect(gone).resolves.toBeInstanceOf(SerialDisconnectedError);
    await server?.close();
    await expect(mount.position()).rejects.toBeInstanceOf(SerialDisconnectedError);
    await pair.replug();
    server = await serveSimulator(simulator, { path: pair.instrumentPath });
    await mount.ensureOpen();
    expect(mount.isOpen).toBe(true);
    expect(await mount.moveAbsolute(33)).toBeCloseTo(33, 2);
  });
});
