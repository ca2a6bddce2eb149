import koffi, { type LibraryHandle } from 'koffi';
import { bindVisaFunctions, cString, type VisaFunctions } from '../internal/visa-functions.js';
import { VI_FIND_BUFLEN, VisaStatus } from '../visa-constants.js';
import { VisaLibraryNotFoundError, visaIOError, type VisaIOError } from '../visa-errors.js';
import { visaLibraryCandidates, type VisaLibraryLocationOptions } from './visa-library-location.js';

/** Where a failed call happened, for the error. */
export interface VisaCallContext {
  /** The VISA function, e.g. `viRead`. */
  operation: string;
  /** The session or object the call was made on (for `viStatusDesc`). */
  object: number;
  /** The resource string, when the call concerns one. */
  resource?: string;
  partialData?: Uint8Array;
}

/**
 * A loaded VISA shared library (NI-VISA, or any library with its C ABI) and its bound functions.
 * Load it with {@link VisaLibrary.load}; open sessions through a {@link VisaResourceManager}.
 */
export class VisaLibrary {
  private constructor(
    /** The path the library was loaded from. */
    readonly path: string,
    /** @internal The bound C functions. */
    readonly functions: VisaFunctions,
  ) {}

  /**
   * Loads the first library that works among the candidates of {@link visaLibraryCandidates}
   * (configured path, else `SHOTLINE_VISA_LIBRARY`, else the standard locations).
   *
   * @throws VisaLibraryNotFoundError listing every path tried and why it failed.
   * @throws VisaLibraryInvalidError when a library lacks a VISA function.
   */
  static load(options: VisaLibraryLocationOptions = {}): VisaLibrary {
    const attempts: { path: string; reason: string }[] = [];
    for (const candidate of visaLibraryCandidates(options)) {
      let handle: LibraryHandle;
      try {
        handle = koffi.load(candidate.path);
      } catch (e) {
        attempts.push({
          path: `${candidate.path} [${candidate.source}]`,
          reason: (e as Error).message.replace(/\s+/g, ' ').trim(),
        });
        continue;
      }
      return new VisaLibrary(candidate.path, bindVisaFunctions(handle, candidate.path));
    }
    throw new VisaLibraryNotFoundError(attempts);
  }

  /** The library's description of a status (`viStatusDesc`), or undefined if it has none. */
  describeStatus(object: number, status: number): string | undefined {
    const buffer = Buffer.alloc(VI_FIND_BUFLEN);
    let result: number;
    try {
      result = this.functions.viStatusDesc(object, status, buffer);
    } catch {
      return undefined;
    }
    if (result < 0 || result === VisaStatus.VI_WARN_UNKNOWN_STATUS) return undefined;
    const text = cString(buffer).trim();
    return text === '' ? undefined : text;
  }

  /** The typed error for a failed call, with the library's description. */
  errorFor(status: number, context: VisaCallContext): VisaIOError {
    const description = this.describeStatus(context.object, status);
    return visaIOError(status, {
      operation: context.operation,
      ...(description === undefined ? {} : { description }),
      ...(context.resource === undefined ? {} : { resource: context.resource }),
      ...(context.partialData === undefined ? {} : { partialData: context.partialData }),
    });
  }

  /** Returns `status` if it is a success or a warning; throws the typed error otherwise. */
  check(status: number, context: VisaCallContext): number {
    if (status < 0) throw this.errorFor(status, context);
    return status;
  }
}
