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
 *
 * After any error (a timeout, a lost connection, a reply of the wrong form, an entry in the error
 * queue) it sends a device clear (`resource.clear()`) before going on, so the instrument's input
 * and output queues are empty and a late or leftover reply is never read as the answer to the next
 * query. A clear that fails is left to the session, which clears again before its next operation.
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
    return this.exchange(async () => {
      await this.resource.write(command);
      await this.checkErrorsLocked(command);
    });
  }

  /** Sends a query and returns the reply (the error queue is not read). */
  query(query: string, options?: QueryOptions): Promise<string> {
    return this.exchange(() => this.resource.query(query, options));
  }

  /**
   * Sends a query and checks its reply with `parse`, which returns the value or throws (e.g. a
   * {@link ScpiResponseError}); a reply refused that way is followed by a device clear too.
   */
  parsedQuery<T>(query: string, parse: (reply: string) => T, options?: QueryOptions): Promise<T> {
    return this.exchange(async () => parse(await this.resource.query(query, options)));
  }

  /** Sends a query, then checks the error queue before returning the reply. */
  checkedQuery(query: string, options?: QueryOptions): Promise<string> {
    return this.exchange(async () => {
      const reply = await this.resource.query(query, options);
      await this.checkErrorsLocked(query);
      return reply;
    });
  }

  /** A query whose reply is one number (`1.5E+03` and such); anything else is an error. */
  queryNumber(query: string, options?: QueryOptions): Promise<number> {
    return this.parsedQuery(
      query,
      (reply) => {
        const value = Number(reply.trim());
        if (reply.trim() === '' || !Number.isFinite(value)) {
          throw new ScpiResponseError(
            `reply ${JSON.stringify(reply)} to ${JSON.stringify(query)} is not a number`,
            { location: { resource: this.resourceName } },
          );
        }
        return value;
      },
      options,
    );
  }

  /** `*IDN?`, split into its four fields. */
  identify(): Promise<ScpiIdentity> {
    return this.parsedQuery('*IDN?', (reply) => {
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
    });
  }

  /** Reads every entry of the error queue (empty when there is no error query). */
  readErrorQueue(): Promise<ScpiErrorEntry[]> {
    return this.exchange(() => this.drainLocked());
  }

  /** Reads the error queue and throws the entries as a {@link ScpiInstrumentError} naming `after`. */
  checkErrors(after: string): Promise<void> {
    return this.exchange(() => this.checkErrorsLocked(after));
  }

  /** `*CLS`: clears the status registers and the error queue. */
  clearStatus(): Promise<void> {
    return this.exchange(() => this.resource.write('*CLS'));
  }

  /**
   * Device clear (`viClear`): empties the instrument's input and output queues. The base does it
   * after every error; drivers may call it too (e.g. after aborting a long operation).
   */
  clear(): Promise<void> {
    return this.queue.run(() => this.resource.clear());
  }

  /** `*RST`, then a check of the error queue. */
  reset(): Promise<void> {
    return this.command('*RST');
  }

  /** `*OPC?`: waits until the instrument has finished every pending operation. */
  async waitOperationComplete(): Promise<void> {
    await this.parsedQuery('*OPC?', (reply) => {
      if (reply.trim() !== '1') {
        throw new ScpiResponseError(`reply ${JSON.stringify(reply)} to "*OPC?" is not "1"`, {
          location: { resource: this.resourceName },
        });
      }
    });
  }

  /** Runs one exchange alone; after an error, clears the device before the error is thrown. */
  private exchange<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      try {
        return await task();
      } catch (error) {
        // Best effort: if the clear fails too, the session clears before its next operation.
        await this.resource.clear().catch(() => undefined);
        throw error;
      }
    });
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
