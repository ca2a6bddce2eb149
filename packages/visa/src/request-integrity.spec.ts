/**
 * Bad input from an instrument, over real loopback sockets, for every backend (raw SOCKET, VXI-11,
 * and a VISA library through koffi when gcc can build the fake one): each gives a typed error
 * naming the resource and the pending command within its timeout; the session keeps working and no
 * later query ever gets the answer of an earlier one; the resource closes and opens again. Timeouts
 * only catch hangs: no duration is asserted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageBasedResource } from './message-based-resource.js';
import { ScpiResponseError } from './scpi/scpi-errors.js';
import { ScpiInstrument } from './scpi/scpi-instrument.js';
import type { ScpiSimulator } from './simulator/scpi-simulator.js';
import type { ScpiSimulatorFault } from './simulator/simulator-fault.js';
import { testBackends, useTestSimulator } from './testing/backends.test-helper.js';
import { compileFakeVisa } from './testing/fake-visa-library.test-helper.js';
import {
  VisaConnectionLostError,
  VisaReplyTooLargeError,
  VisaTimeoutError,
  type VisaIOError,
} from './visa-errors.js';

const fakeVisa = await compileFakeVisa();
const backends = testBackends(fakeVisa);

const TIMEOUT_MS = 500;
const IDN = 'SHOTLINE,TEST-METER,0001,1.0';

interface BadReply {
  readonly name: string;
  readonly fault: ScpiSimulatorFault;
  readonly error: abstract new (...args: never[]) => VisaIOError;
  /** I/O timeout when the default is too short for the input to show up on a loaded machine. */
  readonly timeoutMs?: number;
  /** The bytes received before the timeout (raw sockets: the reply has no END indicator). */
  readonly partial?: string;
  /**
   * Only a termination character ends a message here: over VXI-11 the END flag ends the reply
   * anyway, so the instrument's bytes are a complete (if odd) reply, not an error (tested apart).
   */
  readonly rawSocketsOnly?: true;
}

const BAD_REPLIES: readonly BadReply[] = [
  { name: 'silence', fault: { kind: 'silence' }, error: VisaTimeoutError },
  { name: 'a late reply', fault: { kind: 'delay', ms: 1500 }, error: VisaTimeoutError },
  {
    name: 'garbage bytes without a terminator',
    fault: { kind: 'garbage', data: '\x00\xff#9garbage' },
    error: VisaTimeoutError,
    partial: '\x00\xff#9garbage',
    rawSocketsOnly: true,
  },
  {
    name: 'a line without terminator',
    fault: { kind: 'unterminated' },
    error: VisaTimeoutError,
    partial: '1.500',
    rawSocketsOnly: true,
  },
  {
    name: 'the server closing the connection mid-reply',
    fault: { kind: 'close-mid-reply' },
    error: VisaConnectionLostError,
  },
  {
    name: 'a reply of 100 MB',
    fault: { kind: 'oversized', bytes: 100 * 1024 * 1024 },
    error: VisaReplyTooLargeError,
    timeoutMs: 10_000,
  },
];

const testSimulator = useTestSimulator(fakeVisa);

describe.each(backends)(
  'request integrity through the $label backend',
  { timeout: 120_000 },
  (backend) => {
    let resource: MessageBasedResource;
    let simulator: ScpiSimulator;

    beforeEach(async () => {
      simulator = testSimulator();
      simulator.unmute();
      simulator.instrument.reset();
      resource = await backend.open(simulator, { timeout: TIMEOUT_MS });
    });

    afterEach(async () => {
      await resource.close();
    });

    it.each(BAD_REPLIES.filter((bad) => !(bad.rawSocketsOnly && backend.signalsEnd)))(
      '$name: a typed error naming the resource and the query; later answers are right; reopen works',
      async ({ fault, error: errorType, timeoutMs, partial }) => {
        if (timeoutMs !== undefined) await resource.setTimeout(timeoutMs);
        simulator.injectFault(fault, 'VOLT?');
        const error = (await resource.query('VOLT?').catch((e: unknown) => e)) as VisaIOError;
        expect(error).toBeInstanceOf(errorType);
        expect(error.message).toContain('query "VOLT?"');
        expect(error.message).toContain(resource.resourceName);
        expect(error.location.resource).toBe(resource.resourceName);
        if (error instanceof VisaTimeoutError) expect(error.message).toMatch(/waited \d+ ms/);
        if (partial !== undefined) {
          expect(Buffer.from(error.partialData ?? []).toString('latin1')).toBe(partial);
        }
        // The same session: every later query gets its own answer.
        await resource.setTimeout(TIMEOUT_MS);
        expect(await resource.query('*IDN?')).toBe(IDN);
        expect(await resource.query('VOLT?')).toBe('1.500');
        // Closed and opened again.
        await resource.close();
        resource = await backend.open(simulator, { timeout: TIMEOUT_MS });
        expect(await resource.query('VOLT?')).toBe('1.500');
      },
    );

    if (backend.signalsEnd) {
      it('an unterminated or garbled reply still ends at END: returned as sent, then right answers', async () => {
        simulator.injectFault({ kind: 'unterminated' }, 'VOLT?');
        expect(await resource.query('VOLT?')).toBe('1.500');
        simulator.injectFault({ kind: 'garbage', data: '\x00\xff#9garbage' }, 'VOLT?');
        expect(await resource.query('VOLT?')).toBe('\x00\xff#9garbage');
        expect(await resource.query('*IDN?')).toBe(IDN);
      });
    }

    it('a late reply to a timed-out query is never read as the answer to a later one', async () => {
      simulator.injectFault({ kind: 'delay', ms: 1000 }, 'VOLT?');
      const error = await resource.query('VOLT?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VisaTimeoutError);
      expect(await resource.query('*IDN?')).toBe(IDN);
      // Past the moment the late reply was due: it never surfaces.
      await sleep(1200);
      for (let i = 0; i < 5; i++) {
        expect(await resource.query('*IDN?')).toBe(IDN);
        expect(await resource.query('VOLT?')).toBe('1.500');
      }
    });

    it('garbage in place of a reply is a typed SCPI error, and the next query is right', async () => {
      const instrument = new ScpiInstrument(resource);
      simulator.injectFault({ kind: 'garbage', data: '\x00\xffnot a number\n' }, 'VOLT?');
      const error = await instrument.queryNumber('VOLT?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScpiResponseError);
      expect((error as Error).message).toContain(resource.resourceName);
      expect(await instrument.queryNumber('VOLT?')).toBe(1.5);
      expect((await instrument.identify()).model).toBe('TEST-METER');
    });

    it('an instrument error status is a typed SCPI error; the instrument is cleared and answers right', async () => {
      const instrument = new ScpiInstrument(resource);
      await expect(instrument.command('VOLT 99')).rejects.toMatchObject({
        code: 'SCPI_INSTRUMENT_ERROR',
        instrumentCode: -222,
      });
      expect(await instrument.queryNumber('VOLT?')).toBe(1.5);
    });

    it('a malformed command followed by a valid query gets the right answer', async () => {
      await resource.write('VOLT:BOGUS 3');
      expect(await resource.query('VOLT?')).toBe('1.500');
      expect(await resource.query('SYST:ERR?')).toBe('-113,"Undefined header"');
    });
  },
);

describe('the simulator bounds what it receives', () => {
  it('refuses a line without terminator past 64 KiB, queues an error and answers the next message', async () => {
    const simulator = testSimulator();
    const resource = await backends[0]!.open(simulator, { timeout: 5000 });
    try {
      simulator.instrument.reset();
      const before = simulator.refusedMessages;
      await resource.writeRaw(Buffer.alloc(1024 * 1024, 0x41)); // 1 MiB, no terminator
      await resource.write(' VOLT 3'); // the tail of the refused line: dropped with it
      expect(await resource.query('VOLT?')).toBe('1.500');
      expect(simulator.refusedMessages).toBe(before + 1);
      expect(await resource.query('SYST:ERR?')).toBe('-113,"Undefined header"');
      expect(await resource.query('SYST:ERR?')).toBe('+0,"No error"');
    } finally {
      await resource.close();
    }
  });
});
