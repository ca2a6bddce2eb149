import { ConnectionFailedError } from '@shotline/core';
import { SequencerHardwareError } from '../sequencer-errors.js';
import { jsonRpcResponseSchema } from './json-rpc.js';

/** `setTrigger` start modes. */
export const TRIGGER_START = Object.freeze({
  immediate: 0,
  software: 1,
  hardwareRising: 2,
  hardwareFalling: 3,
  hardwareRisingAndFalling: 4,
});

/** `setTrigger` rearm modes. */
export const TRIGGER_REARM = Object.freeze({ auto: 0, manual: 1 });

/** `selectClock` sources. */
export const CLOCK_SOURCE = Object.freeze({ internal: 0, external125MHz: 1, external10MHz: 2 });

/**
 * The Pulse Streamer's JSON-RPC 2.0 interface over HTTP (`POST http://<address>:8050/json-rpc`),
 * as the vendor's own client uses it: one request per call, positional parameters.
 */
export class PulseStreamerClient {
  private id = 0;

  constructor(
    /** `http://host:port/json-rpc`. */
    readonly url: string,
    readonly timeoutMs = 20_000,
    /** Device name for messages. */
    readonly deviceName = 'pulse streamer',
  ) {}

  /**
   * Calls a method.
   * @throws ConnectionFailedError when the instrument cannot be reached or answers garbage;
   * SequencerHardwareError when it answers with an error.
   */
  async call(method: string, ...params: unknown[]): Promise<unknown> {
    const id = ++this.id;
    const location = { location: { device: this.deviceName, resource: this.url } };
    let text: string;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
      if (!response.ok && text === '') {
        throw new Error(`HTTP ${response.status} ${response.statusText}`);
      }
    } catch (e) {
      throw new ConnectionFailedError(
        `cannot reach the Pulse Streamer at ${this.url} (${method}): ${e instanceof Error ? e.message : String(e)}`,
        { ...location, cause: e },
      );
    }
    let reply: ReturnType<typeof jsonRpcResponseSchema.parse>;
    try {
      reply = jsonRpcResponseSchema.parse(JSON.parse(text));
    } catch (e) {
      throw new ConnectionFailedError(
        `the Pulse Streamer at ${this.url} answered ${method} with something that is not JSON-RPC`,
        { ...location, cause: e },
      );
    }
    if ('error' in reply) {
      throw new SequencerHardwareError(
        `the Pulse Streamer refused ${method}: ${reply.error.message} (code ${reply.error.code})`,
        location,
      );
    }
    return reply.result;
  }
}
