import { SerialQueue } from '../internal/serial-queue.js';
import type { MessageBasedResource, QueryOptions } from '../message-based-resource.js';
import { ScpiInstrumentError, ScpiResponseError, type ScpiErrorEntry } from './scpi-errors.js';

/** The four fields of an `*IDN?` reply. */
export interface ScpiIdentity {
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly firmware: string;
}

/** Options of an {@link ScpiInstrument}. */
export interface ScpiInstrumentOptions {
  /**
   * The query that pops one entry of the error queue, or null for instruments without one.
   * Default `SYST:ERR?`.
   */
  errorQuery?: string | null;
  /** Most entries read after one command (a queue that never empties is a bug). Default 32. */
  maxErrorEntries?: number;
}

/**
 * Parses an error-queue entry: `-222,"Data out of range"`, `+0,"No error"`, `0, No Error`.
 *
 * @throws ScpiResponseError when the reply is not `<number>,<text>`.
 */
export function parseScpiErrorEntry(reply: string, resource?: string): ScpiErrorEntry {
  const match = /^\s*([+-]?\d+)\s*,\s*"?(.*?)"?\s*$/.exec(reply);
  if (!match) {
    throw new ScpiResponseError(
      `error-queue reply ${JSON.stringify(reply)} is not "<code>,<message>"`,
      { location: resource === undefined ? {} : { resource } },
    );
  }
  return { code: Number(match[1]), message: match[2]! };
}

/**
 * A SCPI instrument over a message-based resource: commands followed by a check of the error queue
 * (so a refused value is an error at the command that caused it), queries, numbers, `*IDN?`.
 * A command and its check run as one uninterrupted sequence. Drivers build on it.
 */
export class ScpiInstrument {
  private readonly queue = new SerialQueue();
  private readonly errorQuery: string | null;
  private readonly maxErrorEntries: number;

  constructor(
    /** The session the instrument is reached through. */
    readonly resource: MessageBasedResource,
    options: ScpiInstrumentOptions = {},
  ) {
    this.errorQuery = options.errorQuery === undefined ? 'SYST:ERR?' : options.errorQuery;
    this.maxErrorEntries = options.maxErrorEntries ?? 32;
  }

  /** The resource string, for messages. */
  get resourceName(): string {
    return this.resource.resourceName;
  }

  /** Sends a command, then reads the error queue; an entry is a {@link ScpiInstrumentError}. */
  command(command: string): Promise<void> {
    return this.queue.run(async () => {
      await this.resource.write(command);
      await this.checkErrorsLocked(command);
    });
  }

  /** Sends a query and returns the reply (the error queue is not read). */
  query(query: string, options?: QueryOptions): Promise<string> {
    return this.queue.run(() => this.resource.query(query, options));
  }

  /** Sends a query, then checks the error queue before returning the reply. */
  checkedQuery(query: string, options?: QueryOptions): Promise<string> {
    return this.queue.run(async () => {
      const reply = await this.resource.query(query, options);
      await this.checkErrorsLocked(query);
      return reply;
    });
  }

  /** A query whose reply is one number (`1.5E+03` and such); anything else is an error. */
  async queryNumber(query: string, options?: QueryOptions): Promise<number> {
    const reply = await this.query(query, options);
    const value = Number(reply.trim());
    if (reply.trim() === '' || !Number.isFinite(value)) {
      throw new ScpiResponseError(
        `reply ${JSON.stringify(reply)} to ${JSON.stringify(query)} is not a number`,
        { location: { resource: this.resourceName } },
      );
    }
    return value;
  }

  /** `*IDN?`, split into its four fields. */
  async identify(): Promise<ScpiIdentity> {
    const reply = await this.query('*IDN?');
    const fields = reply.split(',').map((f) => f.trim());
    if (fields.length < 4 || fields[0] === '') {
      throw new ScpiResponseError(
        `reply ${JSON.stringify(reply)} to "*IDN?" is not "manufacturer,model,serial,firmware"`,
        { location: { resource: this.resourceName } },
      );
    }
    return {
      manufacturer: fields[0]!,
      model: fields[1]!,
      serialNumber: fields[2]!,
      firmware: fields.slice(3).join(','),
    };
  }

  /** Reads every entry of the error queue (empty when there is no error query). */
  readErrorQueue(): Promise<ScpiErrorEntry[]> {
    return this.queue.run(() => this.drainLocked());
  }

  /** Reads the error queue and throws the entries as a {@link ScpiInstrumentError} naming `after`. */
  checkErrors(after: string): Promise<void> {
    return this.queue.run(() => this.checkErrorsLocked(after));
  }

  /** `*CLS`: clears the status registers and the error queue. */
  clearStatus(): Promise<void> {
    return this.queue.run(() => this.resource.write('*CLS'));
  }

  /** `*RST`, then a check of the error queue. */
  reset(): Promise<void> {
    return this.command('*RST');
  }

  /** `*OPC?`: waits until the instrument has finished every pending operation. */
  async waitOperationComplete(): Promise<void> {
    const reply = await this.query('*OPC?');
    if (reply.trim() !== '1') {
      throw new ScpiResponseError(`reply ${JSON.stringify(reply)} to "*OPC?" is not "1"`, {
        location: { resource: this.resourceName },
      });
    }
  }

  private async drainLocked(): Promise<ScpiErrorEntry[]> {
    if (this.errorQuery === null) return [];
    const entries: ScpiErrorEntry[] = [];
    for (let i = 0; i < this.maxErrorEntries; i++) {
      const entry = parseScpiErrorEntry(
        await this.resource.query(this.errorQuery),
        this.resourceName,
      );
      if (entry.code === 0) return entries;
      entries.push(entry);
    }
    return entries;
  }

  private async checkErrorsLocked(after: string): Promise<void> {
    const entries = await this.drainLocked();
    if (entries.length > 0) {
      throw new ScpiInstrumentError(after, entries, { location: { resource: this.resourceName } });
    }
  }
}
