/**
 * Every kind of bad input an ELL14 line can produce, over a real pseudo-terminal pair (socat): the
 * driver gets a typed error naming the port within its timeout, the port closes and opens again,
 * and no later command ever gets the answer of an earlier one. Skips, saying why, without socat;
 * CI installs it. No durations are asserted: timeouts here only catch hangs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ell14StatusError } from '../ell14/ell14-errors.js';
import { ELL14_FRAMING, ell14SerialSettings } from '../ell14/ell14-protocol.js';
import { createEll14, type Ell14 } from '../ell14/ell14.js';
import {
  SerialDisconnectedError,
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
    'skipping the ELL14 bad-input tests: socat is not installed (apt-get install socat)',
  );
}

const COMMAND_TIMEOUT_MS = 500;

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

describe.skipIf(!socat)('ELL14 bad input over a real pseudo-terminal', { timeout: 120_000 }, () => {
  let pair: PtyPair;
  let simulator: Ell14Simulator;
  let server: SimulatorServer | undefined;
  let mount: Ell14;

  beforeEach(async () => {
    pair = await PtyPair.open();
    // 9.999° is the stale answer the issue saw returned for a later move.
    simulator = new Ell14Simulator({ initialDegrees: 9.999 });
    server = await serveSimulator(simulator, { path: pair.instrumentPath });
    mount = createEll14({ path: pair.hostPath, commandTimeoutMs: COMMAND_TIMEOUT_MS });
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
    expect(await mount.position()).toBeCloseTo(9.999, 2);
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
