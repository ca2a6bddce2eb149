import { InvalidValueError, RecoverableError, type ErrorLocation } from '@shotline/core';
import {
  VisaStatus,
  formatVisaStatus,
  visaStatusDescription,
  visaStatusName,
} from './visa-constants.js';

/** What is known about a failed VISA operation besides its status. */
export interface VisaIOErrorDetails {
  /** The VISA function or high-level operation that failed, e.g. `viRead` or `query "*IDN?"`. */
  operation: string;
  /** The library's description (`viStatusDesc`); our own table is used when absent. */
  description?: string;
  /** The resource string the session was opened on. */
  resource?: string;
  /** Bytes received before a timeout or a lost connection. */
  partialData?: Uint8Array;
  /** How long the operation waited before it failed, in milliseconds. */
  waitedMs?: number;
  cause?: unknown;
  location?: ErrorLocation;
}

/**
 * A VISA operation returned an error status (`ViStatus < 0`), from a VISA library or from the
 * pure-TypeScript backend, which reports the same codes. The message carries the constant name, the
 * code in hexadecimal, the description and the resource.
 */
export class VisaIOError extends RecoverableError {
  static override readonly code: string = 'VISA_IO';

  /** The signed status the C ABI returned (e.g. -1073807339). */
  readonly status: number;
  /** The constant name (`VI_ERROR_TMO`), or the hexadecimal code when the status is unknown. */
  readonly statusName: string;
  /** The human description of the status. */
  readonly description: string;
  /** The operation that failed. */
  readonly operation: string;
  /** Bytes received before the failure, if any. */
  readonly partialData: Uint8Array | undefined;
  /** How long the operation waited before it failed, in milliseconds, when known. */
  readonly waitedMs: number | undefined;

  constructor(status: number, details: VisaIOErrorDetails) {
    const statusName = visaStatusName(status) ?? formatVisaStatus(status);
    const description = details.description ?? visaStatusDescription(status);
    // NI-VISA's descriptions start with the constant name; do not say it twice.
    const shown = description.startsWith(`${statusName}:`)
      ? description.slice(statusName.length + 1).trim()
      : description;
    const waited =
      details.waitedMs === undefined ? '' : ` (waited ${Math.round(details.waitedMs)} ms)`;
    const partial =
      details.partialData && details.partialData.length > 0
        ? `; ${details.partialData.length} bytes of a reply arrived: ${showBytes(details.partialData)}`
        : '';
    super(
      `${details.operation} failed${waited}: ${statusName} (${formatVisaStatus(status)}) ${shown}${partial}`,
      {
        cause: details.cause,
        location: {
          ...details.location,
          ...(details.resource === undefined ? {} : { resource: details.resource }),
        },
      },
    );
    this.status = status | 0;
    this.statusName = statusName;
    this.description = description;
    this.operation = details.operation;
    this.partialData = details.partialData;
    this.waitedMs = details.waitedMs;
  }
}

/** The first bytes of a partial reply, printable ASCII as is and the rest escaped. */
function showBytes(data: Uint8Array, limit = 40): string {
  let text = '';
  for (const byte of data.subarray(0, limit)) {
    if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c)
      text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}${data.length > limit ? '…' : ''}"`;
}

/** The instrument did not answer within the session timeout (`VI_ERROR_TMO`). */
export class VisaTimeoutError extends VisaIOError {
  static override readonly code: string = 'VISA_TIMEOUT';
}

/** The connection to the instrument was lost (`VI_ERROR_CONN_LOST`): it closed or went away. */
export class VisaConnectionLostError extends VisaIOError {
  static override readonly code: string = 'VISA_CONNECTION_LOST';
}

/** The resource could not be found or reached when opening it (`VI_ERROR_RSRC_NFOUND`...). */
export class VisaResourceNotFoundError extends VisaIOError {
  static override readonly code: string = 'VISA_RESOURCE_NOT_FOUND';
}

/** Builds the {@link VisaIOError} subclass that matches a status. */
export function visaIOError(status: number, details: VisaIOErrorDetails): VisaIOError {
  switch (status | 0) {
    case VisaStatus.VI_ERROR_TMO:
      return new VisaTimeoutError(status, details);
    case VisaStatus.VI_ERROR_CONN_LOST:
      return new VisaConnectionLostError(status, details);
    case VisaStatus.VI_ERROR_RSRC_NFOUND:
    case VisaStatus.VI_ERROR_MACHINE_NAVAIL:
      return new VisaResourceNotFoundError(status, details);
    default:
      return new VisaIOError(status, details);
  }
}

/** A resource string does not follow the VISA grammar; the message quotes the offending part. */
export class InvalidResourceNameError extends InvalidValueError {
  static override readonly code: string = 'VISA_INVALID_RESOURCE_NAME';
}

/** No VISA shared library could be loaded; the message lists every place that was tried. */
export class VisaLibraryNotFoundError extends RecoverableError {
  static override readonly code: string = 'VISA_LIBRARY_NOT_FOUND';

  /** Each candidate path with the reason it failed. */
  readonly attempts: readonly { path: string; reason: string }[];

  constructor(
    attempts: readonly { path: string; reason: string }[],
    options: { location?: ErrorLocation } = {},
  ) {
    const tried = attempts.map((a) => `${a.path} (${a.reason})`).join('; ');
    super(
      `no VISA library could be loaded; tried: ${tried}. Install NI-VISA (or a compatible VISA), ` +
        `set the library path in the configuration or in SHOTLINE_VISA_LIBRARY, or use the ` +
        `"tcpip" backend for TCPIP resources`,
      options,
    );
    this.attempts = attempts;
  }
}

/** A library was loaded but lacks a VISA function the binding needs. */
export class VisaLibraryInvalidError extends RecoverableError {
  static override readonly code: string = 'VISA_LIBRARY_INVALID';
}

/** An operation was attempted on a resource that is already closed. */
export class VisaResourceClosedError extends RecoverableError {
  static override readonly code: string = 'VISA_RESOURCE_CLOSED';
}

/** The chosen backend cannot open this kind of resource (e.g. GPIB without a VISA library). */
export class VisaBackendUnsupportedError extends RecoverableError {
  static override readonly code: string = 'VISA_BACKEND_UNSUPPORTED';
}

/**
 * A reply exceeded the session's `maxReplyBytes` (or announced a binary block larger than that): it
 * is refused rather than buffered without limit. The rest of the reply is discarded with a device
 * clear before the next operation.
 */
export class VisaReplyTooLargeError extends VisaIOError {
  static override readonly code: string = 'VISA_REPLY_TOO_LARGE';
}
