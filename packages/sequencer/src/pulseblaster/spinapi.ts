import { ConnectionFailedError } from '@shotline/core';
import koffi, { type LibraryHandle } from 'koffi';

/**
 * The functions of SpinCore's `spinapi` a PulseBlaster driver uses, bound through koffi with their
 * C prototypes. Calls are synchronous and short (the board is on the PCI bus).
 */
export interface Spinapi {
  pb_get_version(): string;
  pb_get_error(): string;
  pb_set_debug(debug: number): number;
  pb_count_boards(): number;
  pb_select_board(board: number): number;
  pb_init(): number;
  pb_close(): number;
  pb_core_clock(mhz: number): void;
  pb_start_programming(device: number): number;
  pb_inst_pbonly(flags: number, inst: number, data: number, lengthNs: number): number;
  pb_stop_programming(): number;
  pb_reset(): number;
  pb_start(): number;
  pb_stop(): number;
  pb_read_status(): number;
  /** Releases the library handle. */
  unload(): void;
}

/** `pb_start_programming` target for the pulse program. */
export const PULSE_PROGRAM = 0;

/** `pb_read_status` bits. */
export const PB_STATUS = Object.freeze({ stopped: 1, reset: 2, running: 4, waiting: 8 });

const PROTOTYPES = [
  'const char *pb_get_version(void)',
  'const char *pb_get_error(void)',
  'int pb_set_debug(int debug)',
  'int pb_count_boards(void)',
  'int pb_select_board(int board_num)',
  'int pb_init(void)',
  'int pb_close(void)',
  'void pb_core_clock(double clock_freq)',
  'int pb_start_programming(int device)',
  'int pb_inst_pbonly(unsigned int flags, int inst, int inst_data, double length)',
  'int pb_stop_programming(void)',
  'int pb_reset(void)',
  'int pb_start(void)',
  'int pb_stop(void)',
  'int pb_read_status(void)',
];

/** The file name of the library on this platform, for the configured `spinapi`. */
export function spinapiLibraryPath(library: string): string {
  if (library !== 'spinapi') return library;
  return process.platform === 'win32' ? 'spinapi64.dll' : 'libspinapi.so';
}

/**
 * Loads spinapi (a path or a library name the system loader finds).
 * @throws ConnectionFailedError naming the library when it cannot be loaded or lacks a function.
 */
export function loadSpinapi(library: string): Spinapi {
  const path = spinapiLibraryPath(library);
  let handle: LibraryHandle;
  try {
    handle = koffi.load(path);
  } catch (e) {
    throw new ConnectionFailedError(
      `cannot load the SpinCore library "${path}": install spinapi or set "library" to its path`,
      { cause: e, location: { resource: path } },
    );
  }
  const api: Record<string, unknown> = {};
  try {
    for (const prototype of PROTOTYPES) {
      const name = /(\w+)\(/.exec(prototype)![1]!;
      api[name] = handle.func(prototype);
    }
  } catch (e) {
    handle.unload();
    throw new ConnectionFailedError(`"${path}" is not a usable spinapi library`, {
      cause: e,
      location: { resource: path },
    });
  }
  api.unload = () => handle.unload();
  return api as unknown as Spinapi;
}
