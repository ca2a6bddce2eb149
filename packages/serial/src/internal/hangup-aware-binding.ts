import { read } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';

const readAsync = promisify(read);

/** The native binding serialport picked for this platform. */
type NativeBinding = typeof SerialPort.binding;
type NativePort = Awaited<ReturnType<NativeBinding['open']>>;

/** What the POSIX bindings of `@serialport/bindings-cpp` expose (Linux and macOS). */
interface PosixPort {
  fd: number | null;
  readonly poller: {
    once(event: 'readable', callback: (error: Error | null) => void): unknown;
  };
}

function isPosixPort(port: unknown): port is PosixPort {
  const candidate = port as Partial<PosixPort>;
  return (
    (typeof candidate.fd === 'number' || candidate.fd === null) &&
    typeof candidate.poller?.once === 'function'
  );
}

function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

/**
 * Reads like bindings-cpp's POSIX read, except for end of file. When the other side of a tty hangs
 * up (a pseudo-terminal's master closes; on Linux also a USB adapter removed), `read()` returns 0
 * bytes. bindings-cpp 13 retries such reads in a loop forever: the port never reports the
 * disconnection and a thread spins. Here, 0 bytes is a disconnection, which serialport turns into a
 * `close` event with a `disconnected` error.
 */
async function readUntilHangup(
  port: PosixPort,
  buffer: Buffer,
  offset: number,
  length: number,
  inFlight: Set<Promise<unknown>>,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    const fd = port.fd;
    if (fd === null) throw canceled();
    try {
      const reading = readAsync(fd, buffer, offset, length, null);
      inFlight.add(reading);
      const { bytesRead } = await reading.finally(() => inFlight.delete(reading));
      if (bytesRead > 0) return { buffer, bytesRead };
      throw Object.assign(new Error('the line hung up (end of file)'), { disconnect: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw error;
      if (port.fd === null) throw canceled();
      await new Promise<void>((resolve, reject) =>
        port.poller.once('readable', (pollError) => (pollError ? reject(pollError) : resolve())),
      );
    }
  }
}

/**
 * serialport's native binding with reads that report a hang-up instead of spinning (see
 * {@link readUntilHangup}), and a `close` that resolves only once the reads started on the file
 * descriptor have returned: a `read` still running in a worker thread keeps the file open, and with
 * it the port's lock, so opening the port again right after `close` would fail with "Cannot lock
 * port". Other platforms' ports are used as they are.
 */
export const hangupAwareBinding: NativeBinding = {
  list: () => SerialPort.binding.list(),
  async open(options: Parameters<NativeBinding['open']>[0]): Promise<NativePort> {
    const port = await SerialPort.binding.open(options as never);
    if (!isPosixPort(port)) return port;
    const inFlight = new Set<Promise<unknown>>();
    return new Proxy(port, {
      get(target, property) {
        if (property === 'read') {
          return (buffer: Buffer, offset: number, length: number) =>
            readUntilHangup(target as unknown as PosixPort, buffer, offset, length, inFlight);
        }
        if (property === 'close') {
          return async () => {
            await target.close();
            await Promise.allSettled([...inFlight]);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  },
} as NativeBinding;
