import { InvalidValueError, RecoverableError, type ErrorLocation } from '@shotline/core';

/** One entry of an instrument's error queue (`SYST:ERR?`), e.g. `-222,"Data out of range"`. */
export interface ScpiErrorEntry {
  /** The SCPI error number (negative for standard errors, positive for device-specific ones). */
  readonly code: number;
  readonly message: string;
}

/**
 * The instrument reported an error after a command: its error queue held an entry. The message names
 * the instrument's code and text, the command, and the resource; every entry drained is kept.
 */
export class ScpiInstrumentError extends RecoverableError {
  static override readonly code: string = 'SCPI_INSTRUMENT_ERROR';

  /** The instrument's error number of the first entry. */
  readonly instrumentCode: number;
  /** The instrument's text of the first entry. */
  readonly instrumentMessage: string;
  /** The command after which the queue was read. */
  readonly command: string;
  /** Every entry read from the queue, in order. */
  readonly entries: readonly ScpiErrorEntry[];

  constructor(
    command: string,
    entries: readonly ScpiErrorEntry[],
    options: { location?: ErrorLocation } = {},
  ) {
    const first = entries[0]!;
    const more =
      entries.length > 1
        ? ` (and ${entries.length - 1} more: ${entries
            .slice(1)
            .map((e) => `${e.code} "${e.message}"`)
            .join(', ')})`
        : '';
    super(
      `the instrument reported error ${first.code} "${first.message}" after ${JSON.stringify(command)}${more}`,
      options,
    );
    this.instrumentCode = first.code;
    this.instrumentMessage = first.message;
    this.command = command;
    this.entries = entries;
  }
}

/** A reply does not have the form the driver expects; the message quotes it. */
export class ScpiResponseError extends InvalidValueError {
  static override readonly code: string = 'SCPI_UNEXPECTED_RESPONSE';
}
