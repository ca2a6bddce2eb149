import { ConnectionFailedError } from '@shotline/core';
import { SerialPort } from 'serialport';
import type { SerialSimulator } from './serial-simulator.js';

/** A simulator answering on a real serial device (see {@link serveSimulator}). */
export interface SimulatorServer extends AsyncDisposable {
  /** The device path the simulator listens on. */
  readonly path: string;
  /** Resolves when everything the simulator transmitted so far has been written to the line. */
  drained(): Promise<void>;
  /** Stops serving and closes the port. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves a simulator on a real serial device: typically the instrument end of a pseudo-terminal
 * pair, while the driver under test opens the other end. The baud rate is not enforced on a
 * pseudo-terminal but is set for completeness.
 */
export async function serveSimulator(
  simulator: SerialSimulator,
  options: { readonly path: string; readonly baudRate?: number },
): Promise<SimulatorServer> {
  const port = new SerialPort({
    path: options.path,
    baudRate: options.baudRate ?? 9600,
    autoOpen: false,
  });
  try {
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
  } catch (cause) {
    throw new ConnectionFailedError(
      `cannot serve the simulator on ${options.path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, location: { resource: options.path } },
    );
  }
  // The line may vanish under the simulator (a test closes the pty pair): nothing to report then.
  port.on('error', () => undefined);
  port.on('data', (data: Buffer) => simulator.receive(data));
  const off = simulator.onTransmit((data) => {
    if (port.isOpen) port.write(data);
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      off();
      if (!port.isOpen) {
        resolve();
        return;
      }
      port.close(() => resolve());
    }));
  port.once('close', off);
  const drained = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      port.drain(() => resolve());
    });
  return { path: options.path, close, drained, [Symbol.asyncDispose]: close };
}
