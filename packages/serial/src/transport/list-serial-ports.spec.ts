import { describe, expect, it } from 'vitest';
import { SerialListingError } from '../errors/serial-errors.js';
import { listSerialPorts } from './list-serial-ports.js';

/** The error serialport's Linux lister rejects with when udevadm is not installed. */
function udevadmMissing(): NodeJS.ErrnoException {
  return Object.assign(new Error('spawn udevadm ENOENT'), {
    code: 'ENOENT',
    syscall: 'spawn udevadm',
    path: 'udevadm',
  });
}

describe('listSerialPorts', () => {
  it('returns the ports the lister finds', async () => {
    const ports = await listSerialPorts({ list: async () => [{ path: '/dev/ttyUSB0' }] });
    expect(ports).toEqual([{ path: '/dev/ttyUSB0' }]);
  });

  it('says that udevadm is missing, and that ports can still be opened by path', async () => {
    const listing = listSerialPorts({ list: () => Promise.reject(udevadmMissing()) });
    await expect(listing).rejects.toBeInstanceOf(SerialListingError);
    await expect(listing).rejects.toThrow(
      /needs the udevadm program, which is not installed on this machine \(install the 'udev' package\); ports can still be opened by path/,
    );
    await expect(listing).rejects.toMatchObject({ code: 'SERIAL_LIST_FAILED', recoverable: true });
  });

  it('reports other listing failures with their cause', async () => {
    const cause = new Error('permission denied');
    const listing = listSerialPorts({ list: () => Promise.reject(cause) });
    await expect(listing).rejects.toThrow(/cannot list serial ports: permission denied/);
    await expect(listing).rejects.toMatchObject({ cause });
  });
});
