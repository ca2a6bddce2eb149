/**
 * Integration tests over a real pseudo-terminal pair made by socat: the driver opens one end with
 * serialport's native bindings, the simulator serves the other end. Nothing here is mocked below
 * the kernel's tty layer. Every kind of bad input an ELL14 line can produce gives a typed error
 * naming the port within its timeout; the port closes and opens again, and no later command ever
 * gets the answer of an earlier one. Without socat these tests skip and say why; CI installs socat.
 * No durations are asserted: timeouts here only catch hangs.
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
import { Ell14Simulator, type Ell14Fault } from '../simulator/ell14-simulator.js';
import { serveSimulator, type SimulatorServer } from '../simulator/serve-simulator.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { isSocatAvailable, PtyPair } from './socat-pty-pair.js';

const socat = isSocatAvailable();
if (!socat) {
  console.warn(
    'skipping the pseudo-terminal tests: socat is not installed (apt-get install socat)',
  );
}

const COMMAND_TIMEOUT_MS = 500;
/** Where the mount starts; 9.999° is the stale answer the issue saw returned for a later move. */
const INITIAL_DEGREES = 9.999;

interface BadInput {
  readonly name: string;
  readonly fault: Ell14Fault;
  readonly error: abstract new (...args: never[]) => Error;
  /** Reply timeout, when the input needs longer than {@link COMMAND_TIMEOUT_MS} to show up. */
  readonly timeoutMs?: number;
}

const BAD_INPUTS: readonly BadInput[] = [
  {
    name: 'garbage bytes',
    fault: { kind: 'garbage', data: '\x00\xff~~ noise ~~\r\n' },
    error: SerialProtocolError,
  },
  { name: 'a partial frame', fault: { kind: 'partial' }, error: SerialTimeoutError },
  {
    name: 'a reply from the wrong bus address',
    fault: { kind: 'address', address: 3 },
    error: SerialTimeoutError,
  },
  {
    name: 'an error status of the mount',
    fault: { kind: 'status', status: 2 },
    error: Ell14StatusError,
  },
  { name: 'silence', fault: { kind: 'silence' }, error: SerialTimeoutError },
  { name: 'a late reply', fault: { kind: 'delay', ms: 1500 }, error: SerialTimeoutError },
  {
    name: 'a line without terminator',
    fault: { kind: 'garbage', data: `0PO${'0'.repeat(200)}` },
    error: SerialProtocolError,
  },
  {
    name: 'a reply of 100 MB',
    fault: { kind: 'flood', bytes: 100 * 1024 * 1024 },
    error: SerialProtocolError,
    // Generous: on a loaded machine, making the 100 MB may take longer than a command timeout.
    timeoutMs: 10_000,
  },
];

describe.skipIf(!socat)('ELL14 over a real pseudo-terminal', { timeout: 120_000 }, () => {
  let pair: PtyPair;
  let simulator: Ell14Simulator;
  let server: SimulatorServer | undefined;
  let mount: Ell14;

  beforeEach(async () => {
    pair = await PtyPair.open();
    simulator = new Ell14Simulator({ initialDegrees: INITIAL_DEGREES });
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
    expect(await mount.position()).toBeCloseTo(INITIAL_DEGREES, 2);
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
    expect(await mount.position()).toBeCloseTo(INITIAL_DEGREES, 2);
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
    expect(await mount.position()).toBeCloseTo(INITIAL_DEGREES, 2);
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

  it.each(BAD_INPUTS)(
    '$name: a typed error naming the port, the port closes, a reopen works, later answers are right',
    async ({ fault, error: errorType, timeoutMs }) => {
      mount = createEll14({
        path: pair.hostPath,
        commandTimeoutMs: timeoutMs ?? COMMAND_TIMEOUT_MS,
      });
      await mount.open();
      simulator.injectFault(fault, 'gp');
      const error = await mount.position().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorType);
      expect((error as Error).message).toContain(pair.hostPath);
      expect((error as Error).message).toContain('0gp');
      await server!.drained(); // the 100 MB have left the simulator (nothing asserted on time)
      await mount.close();
      await expectPortReleased();
      await mount.open();
      expect(await mount.moveAbsolute(77)).toBeCloseTo(77, 2);
      expect(await mount.position()).toBeCloseTo(77, 2);
      expect(simulator.positionDegrees).toBeCloseTo(77, 2);
    },
  );

  it('a late reply to a timed-out position read is never the answer to the next move', async () => {
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    await mount.open();
    simulator.injectFault({ kind: 'delay', ms: 1500 }, 'gp');
    const error = await mount.position().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerialTimeoutError);
    expect((error as Error).message).toContain(
      `no reply to "0gp" from serial port ${pair.hostPath} within ${COMMAND_TIMEOUT_MS} ms`,
    );
    expect(mount.transport.isUnsynchronised).toBe(true);
    // The move's own reply, not the stale 9.999° one (the failure).
    expect(await mount.moveAbsolute(77)).toBeCloseTo(77, 2);
    expect(await mount.position()).toBeCloseTo(77, 2);
    // The transport resynchronised with "in", whose IN reply comes after the late PO.
    expect(simulator.commands).toEqual(['0in', '0gs', '0gp', '0in', '0ma000077C7', '0gp']);
  });

  it('a move that never ends fails with a timeout naming the port and the command', async () => {
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: 1000, moveTimeoutMs: 400 });
    await mount.open();
    simulator.injectFault({ kind: 'silence' }, 'ma');
    await expect(mount.moveAbsolute(180)).rejects.toThrow(
      new RegExp(`no reply to "0ma00011800" from serial port ${pair.hostPath} within 400 ms`),
    );
    // The mount ignored the move: the next read gives where it really is, not a stale reply.
    expect(await mount.position()).toBeCloseTo(INITIAL_DEGREES, 2);
  });

  it('socat killed in the middle of a command: a disconnection naming the port; after replug the answers are right', async () => {
    await mount.open();
    simulator.injectFault({ kind: 'silence' }, 'gp');
    const reading = mount.position().catch((e: unknown) => e);
    await simulator.nextCommand('gp');
    await pair.unplug();
    const error = await reading;
    expect(error).toBeInstanceOf(SerialDisconnectedError);
    expect((error as Error).message).toContain(`serial port ${pair.hostPath} disappeared`);
    expect((error as Error).message).toContain('while waiting for the reply to "0gp"');
    expect(mount.isOpen).toBe(false);
    await server?.close();
    await pair.replug();
    server = await serveSimulator(simulator, { path: pair.instrumentPath });
    await mount.ensureOpen();
    expect(await mount.moveAbsolute(12)).toBeCloseTo(12, 2);
    expect(await mount.position()).toBeCloseTo(12, 2);
  });
});
