import {
  ConnectionFailedError,
  RecoverableError,
  ShotlineError,
  type ShotlineErrorOptions,
} from '@shotline/core';

/** Who was being talked to when an error happened. */
export interface RemoteTarget {
  /** The server's name in the lab file (`camera-pc`). */
  readonly server: string;
  /** The device, when the call was about one. */
  readonly device?: string;
}

function targetText(target: RemoteTarget): string {
  return `device server "${target.server}"`;
}

/**
 * A device server could not be reached, stopped answering or dropped the connection while a
 * device was in use: the shot fails with this error, naming the server and the device. Recoverable
 * (a setup problem: a cable, a PC, a process), so a lab's retry policy may retry the shot.
 */
export class RemoteServerLostError extends ConnectionFailedError {
  static override readonly code: string = 'REMOTE_SERVER_LOST';
  readonly server: string;
  constructor(target: RemoteTarget, detail: string, options: ShotlineErrorOptions = {}) {
    super(`${targetText(target)}: ${detail}`, {
      ...options,
      location: { ...(target.device ? { device: target.device } : {}), ...options.location },
    });
    this.server = target.server;
  }
}

/** A device server refused a call (authentication, allow-list, versions, size); nothing was done. */
export class RemoteRefusedError extends ShotlineError {
  static override readonly code: string = 'REMOTE_REFUSED';
  readonly server: string;
  constructor(target: RemoteTarget, detail: string, options: ShotlineErrorOptions = {}) {
    super(`${targetText(target)} refused: ${detail}`, {
      ...options,
      location: { ...(target.device ? { device: target.device } : {}), ...options.location },
    });
    this.server = target.server;
  }
}

/** The token (or the client certificate) was not accepted by the device server. */
export class RemoteAuthenticationError extends RemoteRefusedError {
  static override readonly code: string = 'REMOTE_UNAUTHENTICATED';
}

/** The device server does not host this device type (not on its allow-list, or not installed). */
export class DeviceTypeNotAllowedError extends RemoteRefusedError {
  static override readonly code: string = 'REMOTE_TYPE_NOT_ALLOWED';
}

/**
 * The plugin that provides a device type has another version on the device server than on the
 * manager: shot parameters compiled by one version are not understood by the other, so the device
 * is not opened. The message names both versions.
 */
export class PluginVersionMismatchError extends RemoteRefusedError {
  static override readonly code: string = 'REMOTE_PLUGIN_VERSION_MISMATCH';
}

/** A message was larger than the device server (or this manager) accepts. */
export class RemoteMessageTooLargeError extends RemoteRefusedError {
  static override readonly code: string = 'REMOTE_MESSAGE_TOO_LARGE';
}

/**
 * The configuration of a device server, or of the servers in a lab file, is wrong: a missing
 * certificate or token file, an unset environment variable, an unknown server name. Names the file
 * or the server and what to do.
 */
export class RemoteConfigurationError extends RecoverableError {
  static override readonly code: string = 'REMOTE_CONFIGURATION';
}

/**
 * A device on a device server failed (its `open`, `runShot` or `close` threw there): the driver's
 * error, rebuilt from the wire with its code and location, is the `cause`; the message says which
 * server. Recoverable when the driver's error is.
 */
export class RemoteDeviceError extends ShotlineError {
  static override readonly code: string = 'REMOTE_DEVICE';
  readonly server: string;
  constructor(target: RemoteTarget, cause: Error, options: ShotlineErrorOptions = {}) {
    super(`on ${targetText(target)}: ${cause.message}`, {
      ...options,
      cause,
      location: { ...(target.device ? { device: target.device } : {}), ...options.location },
    });
    this.server = target.server;
  }
}
