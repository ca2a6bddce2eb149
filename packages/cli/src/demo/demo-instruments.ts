import type { ShotlinePlugin } from '@shotline/core';
import { DemoError } from '../cli-errors.js';

/** The simulated instruments the demo talks to, started in this process. */
export interface DemoInstruments extends AsyncDisposable {
  /** Serial port the ELL14 device opens (one end of a pseudo-terminal, or an in-memory port). */
  readonly ell14Port: string;
  /** How the ELL14 is reached: `pty` (socat pseudo-terminal) or `memory` (in-memory port). */
  readonly ell14Link: 'pty' | 'memory';
  /**
   * With an in-memory port, the plugin that provides the ELL14 device type on that port (the
   * discovered `@shotline/serial` plugin opens real ports only).
   */
  readonly ell14Plugin: ShotlinePlugin | undefined;
  /** VISA resource of the simulated SDG6000X (a raw socket on 127.0.0.1). */
  readonly sdgResource: string;
  /** Stops every simulator. */
  close(): Promise<void>;
}

/**
 * Starts the demo's instrument simulators: the Thorlabs ELL14 behind a real pseudo-terminal made by
 * socat (an in-memory serial port when socat is missing) and the Siglent SDG6000X as a loopback
 * SCPI server. The drivers reach them exactly as they would reach the hardware.
 */
export async function startDemoInstruments(): Promise<DemoInstruments> {
  const serial = await import('@shotline/serial');
  const visa = await import('@shotline/visa');
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const simulator = new serial.Ell14Simulator({ initialDegrees: 0 });
    cleanups.push(() => simulator.dispose());
    let ell14Port: string;
    let ell14Link: 'pty' | 'memory';
    let ell14Plugin: ShotlinePlugin | undefined;
    if (serial.isSocatAvailable()) {
      const pair = await serial.openPtyPair();
      cleanups.push(() => pair.close());
      const server = await serial.serveSimulator(simulator, { path: pair.instrumentPath });
      cleanups.push(() => server.close());
      ell14Port = pair.hostPath;
      ell14Link = 'pty';
    } else {
      const link = new serial.MockSerialLink(simulator);
      ell14Port = '/dev/ttyDEMO-ELL14';
      ell14Link = 'memory';
      ell14Plugin = {
        name: '@shotline/cli demo (ELL14 on an in-memory port)',
        register: (registry) =>
          registry.addDevice(serial.createEll14Extension({ openPort: link.openPort })),
      };
    }
    const scpi = await visa.ScpiSimulator.start({ vxi11: false });
    cleanups.push(() => scpi.close());
    return {
      ell14Port,
      ell14Link,
      ell14Plugin,
      sdgResource: scpi.socketResource,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (e) {
    await close();
    throw new DemoError(`cannot start the simulated instruments: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
