import type * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';

// h5wasm does not report I/O errors: the HDF5 library's failed writes (a full disk) only print an
// "HDF5-DIAG" trace on stderr, and the calls return normally, so a truncated file would look
// written. Its Node build writes through `fs.writeSync` of Node's `fs` module (emscripten's
// NODERAWFS), so while an HDF5 file is written this module watches that function: the first error it
// throws is kept (and rethrown by `check()`), and what HDF5 prints on stderr (fd 2) is kept instead
// of flooding the terminal.

const fs = createRequire(import.meta.url)('fs') as typeof nodeFs;

/** The I/O errors of one HDF5 export; {@link stop} when done. */
export class Hdf5IoWatch {
  private readonly original = fs.writeSync;
  private failure: Error | undefined;
  private diagnostics = '';

  constructor() {
    const original = this.original;
    const watch = (fd: number, ...args: unknown[]): number => {
      if (fd === 2) {
        // writeSync(fd, string) or writeSync(fd, buffer, offset?, length?, position?)
        const [data, offset, length] = args as [unknown, number | undefined, number | undefined];
        let bytes: Uint8Array;
        if (ArrayBuffer.isView(data)) {
          // emscripten passes its heap (an Int8Array) with an offset and a length.
          const from = offset ?? 0;
          const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
          bytes = view.subarray(from, from + (length ?? view.byteLength - from));
        } else {
          bytes = Buffer.from(String(data));
        }
        if (this.diagnostics.length < 4000) this.diagnostics += Buffer.from(bytes).toString();
        return bytes.byteLength;
      }
      try {
        return (original as (...a: unknown[]) => number).call(fs, fd, ...args);
      } catch (e) {
        this.failure ??= e as Error;
        throw e;
      }
    };
    fs.writeSync = watch as typeof fs.writeSync;
  }

  /** Throws the first write error seen, or an error with HDF5's own message if it reported one. */
  check(): void {
    if (this.failure) throw this.failure;
    if (this.diagnostics.includes('HDF5-DIAG: Error')) {
      const reason = /error message = '([^']*)'/.exec(this.diagnostics)?.[1];
      throw new Error(
        `the HDF5 library failed${reason ? `: ${reason}` : ''}: ${this.diagnostics.slice(0, 400)}`,
      );
    }
  }

  /** Puts `fs.writeSync` back. */
  stop(): void {
    fs.writeSync = this.original;
  }
}
