import {
  ConnectionFailedError,
  type ErrorLocation,
  type ShotlineErrorOptions,
} from '@shotline/core';
import { SequencerHardwareError } from '@shotline/sequencer';

/** Known NI-DAQmx status codes the driver meets, with NI's names (from NIDAQmx.h). */
export const DAQMX_ERROR_NAMES: Readonly<Record<number, string>> = Object.freeze({
  [-50103]: 'ResourceReserved',
  [-89120]: 'InvalidRoutingSourceTerminalName',
  [-200018]: 'DACUnderflow',
  [-200077]: 'InvalidAttributeValue',
  [-200088]: 'InvalidTask',
  [-200170]: 'PhysicalChanDoesNotExist',
  [-200220]: 'InvalidDeviceID',
  [-200228]: 'BufferTooSmallForString',
  [-200452]: 'AttributeNotSupportedInTaskContext',
  [-200462]: 'NoDataInBuffer',
  [-200479]: 'OperationNotPermittedWhileRunning',
  [-200489]: 'PhysicalChannelUsedTwice',
  [-200524]: 'WriteNumChansMismatch',
  [-200560]: 'WaitUntilDoneDoesNotIndicateDone',
  [-200561]: 'InvalidAnalogValue',
});

/** Options of a {@link DaqmxError}. */
export interface DaqmxErrorOptions extends ShotlineErrorOptions {
  /** The NI-DAQmx status code (negative). */
  readonly daqmxCode: number;
  /** The NI-DAQmx function that returned it, e.g. `DAQmxCfgSampClkTiming`. */
  readonly daqmxFunction: string;
  /** NI-DAQmx's own description (`DAQmxGetExtendedErrorInfo`), on one line. */
  readonly daqmxMessage: string;
}

/**
 * NI-DAQmx refused a call or a running generation failed. Carries the status code, the function
 * and NI's message; the message names the device and, when NI's message names one, the channel.
 * Recoverable: a setup problem (a reserved device, a wrong terminal, a clock too fast...).
 */
export class DaqmxError extends SequencerHardwareError {
  static override readonly code: string = 'DAQMX';
  readonly daqmxCode: number;
  readonly daqmxFunction: string;
  readonly daqmxMessage: string;

  constructor(detail: string, options: DaqmxErrorOptions) {
    super(detail, options);
    this.daqmxCode = options.daqmxCode;
    this.daqmxFunction = options.daqmxFunction;
    this.daqmxMessage = options.daqmxMessage;
  }

  /** NI's name of the status code (`InvalidDeviceID`), when known. */
  get daqmxName(): string | undefined {
    return DAQMX_ERROR_NAMES[this.daqmxCode];
  }
}

/**
 * The NI-DAQmx library cannot be used: it is not installed, not found at the configured path, too
 * old, or lacks a function. The message names the package to install.
 */
export class DaqmxNotAvailableError extends ConnectionFailedError {
  static override readonly code: string = 'DAQMX_NOT_AVAILABLE';
}

/**
 * The configured device does not exist in NI-DAQmx, or is not an NI 6738. The message lists the
 * devices NI-DAQmx sees.
 */
export class DaqmxDeviceNotFoundError extends ConnectionFailedError {
  static override readonly code: string = 'DAQMX_DEVICE_NOT_FOUND';
}

/** What to tell a lab to install when NI-DAQmx is missing. */
export const NIDAQMX_INSTALL_HINT =
  'install NI-DAQmx for Linux (the "ni-daqmx" package from NI\'s Linux driver repository, ' +
  'https://www.ni.com/en/support/downloads/drivers/download.ni-daq-mx.html) or set "libraryPath" ' +
  '(or SHOTLINE_NIDAQMX_LIBRARY) to libnidaqmx.so';

/**
 * NI's multi-line message on one line: its non-empty lines joined with `; `, the "Status Code"
 * line dropped (the code is reported separately).
 */
export function daqmxMessageOneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Status Code:/i.test(line))
    .join('; ');
}

/** The physical channel NI's message names (`Channel Name: Dev1/ao3`), if any. */
export function daqmxMessageChannel(message: string): string | undefined {
  const match = /(?:Physical )?Channel Name:\s*(\S+)/i.exec(message);
  return match?.[1];
}

/** Where a DAQmx error happened: the device, and the channel when known. */
export function daqmxErrorLocation(device: string, channel: string | undefined): ErrorLocation {
  return channel === undefined ? { device } : { device, channel };
}
