import { SerialPort } from 'serialport';
import { SerialListingError } from '../errors/serial-errors.js';

/** A serial port found on this machine (serialport's `PortInfo`). */
export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly pnpId?: string;
  readonly locationId?: string;
}

/** Options of {@link listSerialPorts}. */
export interface ListSerialPortsOptions {
  /** The lister to use; default serialport's `SerialPort.list`. */
  readonly list?: () => Promise<readonly SerialPortInfo[]>;
}

/**
 * Lists the serial ports of this machine. On Linux serialport runs `udevadm`; where it is missing
 * (no `udev` package: containers, CI images) this fails with a {@link SerialListingError} that says
 * so, instead of serialport's bare `spawn udevadm ENOENT`. Pseudo-terminals are never listed: open
 * them by path.
 */
export async function listSerialPorts(
  options: ListSerialPortsOptions = {},
): Promise<SerialPortInfo[]> {
  const list = options.list ?? (() => SerialPort.list());
  try {
    return [...(await list())];
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException | undefined;
    const missing =
      error?.code === 'ENOENT' &&
      `${error.message} ${(error as { path?: string }).path ?? ''}`.includes('udevadm');
    if (missing) {
      throw new SerialListingError(
        'cannot list serial ports: serialport needs the udevadm program, which is not installed ' +
          "on this machine (install the 'udev' package); ports can still be opened by path",
        { cause },
      );
    }
    throw new SerialListingError(
      `cannot list serial ports: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
