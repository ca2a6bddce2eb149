import {
  ConnectionFailedError,
  DeviceTimeoutError,
  RecoverableError,
  type ShotlineErrorOptions,
} from '@shotline/core';

/**
 * A serial port could not be opened: it does not exist, is used by another program (ports are
 * locked while open), or the settings are refused. The location's `resource` is the port path.
 */
export class SerialOpenError extends ConnectionFailedError {
  static override readonly code: string = 'SERIAL_OPEN_FAILED';
}

/**
 * A request was made on a port that is not open, or the port was closed on purpose while a request
 * was waiting for its reply.
 */
export class SerialPortClosedError extends ConnectionFailedError {
  static override readonly code: string = 'SERIAL_PORT_CLOSED';
}

/**
 * The port disappeared (USB adapter unplugged, pseudo-terminal closed...) while it was open. The
 * request in flight, if any, fails with this error; the port is closed and can be reopened once it
 * is back.
 */
export class SerialDisconnectedError extends ConnectionFailedError {
  static override readonly code: string = 'SERIAL_DISCONNECTED';
}

/** No complete reply arrived in time. `partial` holds the bytes of an incomplete frame, if any. */
export class SerialTimeoutError extends DeviceTimeoutError {
  static override readonly code: string = 'SERIAL_TIMEOUT';

  constructor(
    detail: string,
    /** Bytes of a frame that started but did not end before the timeout (may be empty). */
    readonly partial: Uint8Array,
    options: ShotlineErrorOptions = {},
  ) {
    super(detail, options);
  }
}

/**
 * The instrument sent something that is not a valid reply: garbage bytes, a frame longer than the
 * framing allows, or a reply of the wrong shape. `received` holds the offending bytes.
 */
export class SerialProtocolError extends RecoverableError {
  static override readonly code: string = 'SERIAL_PROTOCOL';

  constructor(
    detail: string,
    /** The offending bytes as received. */
    readonly received: Uint8Array,
    options: ShotlineErrorOptions = {},
  ) {
    super(detail, options);
  }
}

/**
 * Listing the serial ports failed. On Linux, serialport lists ports with `udevadm`; machines without
 * the `udev` package (containers, CI images) cannot list ports, but can still open a port by path.
 */
export class SerialListingError extends RecoverableError {
  static override readonly code: string = 'SERIAL_LIST_FAILED';
}

/** Reading from or writing to an open port failed (an I/O error that is not a disconnection). */
export class SerialIoError extends ConnectionFailedError {
  static override readonly code: string = 'SERIAL_IO';
}
