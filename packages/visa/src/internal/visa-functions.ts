import koffi, { type LibraryHandle } from 'koffi';
import { VisaLibraryInvalidError } from '../visa-errors.js';

/** A function bound through koffi: callable synchronously, or on a worker thread via `async`. */
export interface NativeFunction {
  (...args: unknown[]): number;
  async(...args: unknown[]): void;
}

/** The VISA functions the binding uses, bound with the VPP-4.3.2 types. */
export interface VisaFunctions {
  viOpenDefaultRM: NativeFunction;
  viFindRsrc: NativeFunction;
  viFindNext: NativeFunction;
  viOpen: NativeFunction;
  viClose: NativeFunction;
  viRead: NativeFunction;
  viWrite: NativeFunction;
  viSetAttribute: NativeFunction;
  viGetAttribute: NativeFunction;
  viStatusDesc: NativeFunction;
  viClear: NativeFunction;
  viReadSTB: NativeFunction;
}

/**
 * C prototypes. `ViSession`, `ViObject`, `ViFindList`, `ViAttr`, `ViAccessMode` are uint32,
 * `ViStatus` is a *signed* int32, `ViUInt16` uint16, and `ViAttrState` is pointer-sized (uint64 on
 * 64-bit platforms). Character buffers (`ViChar[256]`) and `void *` attribute outputs are Buffers.
 */
function prototypes(attrState: string): Record<keyof VisaFunctions, string> {
  return {
    viOpenDefaultRM: 'int32_t viOpenDefaultRM(_Out_ uint32_t *rm)',
    viFindRsrc:
      'int32_t viFindRsrc(uint32_t rm, const char *expr, _Out_ uint32_t *list, ' +
      '_Out_ uint32_t *count, _Out_ uint8_t *desc)',
    viFindNext: 'int32_t viFindNext(uint32_t list, _Out_ uint8_t *desc)',
    viOpen:
      'int32_t viOpen(uint32_t rm, const char *name, uint32_t mode, uint32_t timeout, ' +
      '_Out_ uint32_t *vi)',
    viClose: 'int32_t viClose(uint32_t vi)',
    viRead: 'int32_t viRead(uint32_t vi, _Out_ uint8_t *buf, uint32_t count, _Out_ uint32_t *ret)',
    viWrite:
      'int32_t viWrite(uint32_t vi, const uint8_t *buf, uint32_t count, _Out_ uint32_t *ret)',
    viSetAttribute: `int32_t viSetAttribute(uint32_t vi, uint32_t attr, ${attrState} value)`,
    viGetAttribute: 'int32_t viGetAttribute(uint32_t vi, uint32_t attr, _Out_ uint8_t *value)',
    viStatusDesc: 'int32_t viStatusDesc(uint32_t vi, int32_t status, _Out_ uint8_t *desc)',
    viClear: 'int32_t viClear(uint32_t vi)',
    viReadSTB: 'int32_t viReadSTB(uint32_t vi, _Out_ uint16_t *stb)',
  };
}

/** True when `ViAttrState` is 64-bit (every 64-bit platform). */
export const ATTR_STATE_IS_64_BIT = koffi.sizeof('void *') === 8;

/** Binds every function; a missing symbol is a {@link VisaLibraryInvalidError} naming it. */
export function bindVisaFunctions(library: LibraryHandle, path: string): VisaFunctions {
  const stdcall = process.platform === 'win32' && process.arch === 'ia32';
  const entries = Object.entries(prototypes(ATTR_STATE_IS_64_BIT ? 'uint64_t' : 'uint32_t'));
  const bound: Partial<Record<keyof VisaFunctions, NativeFunction>> = {};
  for (const [name, prototype] of entries) {
    const declaration = stdcall ? prototype.replace(' vi', ' __stdcall vi') : prototype;
    try {
      bound[name as keyof VisaFunctions] = library.func(declaration) as unknown as NativeFunction;
    } catch (e) {
      throw new VisaLibraryInvalidError(
        `the VISA library "${path}" has no usable ${name}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return bound as VisaFunctions;
}

/** Calls a VISA function on a koffi worker thread, keeping the event loop free. */
export function callAsync(fn: NativeFunction, ...args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (error: unknown, status: number) => {
      if (error) {
        reject(error instanceof Error ? error : new Error('koffi call failed', { cause: error }));
      } else resolve(status);
    });
  });
}

/** Decodes a NUL-terminated C string from a buffer. */
export function cString(buffer: Buffer): string {
  const end = buffer.indexOf(0);
  return buffer.toString('latin1', 0, end < 0 ? buffer.length : end);
}
