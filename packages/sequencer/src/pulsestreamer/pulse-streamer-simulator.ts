import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TriggerBus } from '@shotline/core';
import { JSON_RPC_ERRORS, jsonRpcRequestSchema } from './json-rpc.js';
import { type Pulse, decodePulses } from './pulse-list.js';
import { CLOCK_SOURCE, TRIGGER_REARM, TRIGGER_START } from './pulse-streamer-client.js';

/** Options of {@link PulseStreamerSimulator.start}. */
export interface PulseStreamerSimulatorOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default: any free port). */
  readonly port?: number;
  /** Most pulses a sequence may have (default 2,000,000, like the instrument). */
  readonly maxPulses?: number;
  /** Wall-clock milliseconds per millisecond of sequence (default 1: real time; 0: instant). */
  readonly timeScale?: number;
  /**
   * A trigger bus whose edges for `deviceName` are the instrument's hardware trigger input, so a
   * simulated master sequencer can start it.
   */
  readonly triggerBus?: TriggerBus;
  readonly deviceName?: string;
}

/** A sequence the simulator received through `stream`. */
export interface StreamedSequence {
  readonly pulses: readonly Pulse[];
  readonly runs: number;
  /** `[duration, digital, ao0, ao1]` of the final state. */
  readonly final: readonly number[];
  /** The trigger start mode when it was streamed. */
  readonly startMode: number;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 256 * 1024 * 1024;

/**
 * A loopback simulator of a Pulse Streamer 8/2's JSON-RPC interface, for tests and demos: it
 * decodes and checks each streamed sequence (whole 9-byte pulses, non-zero durations, the pulse
 * limit, the final state), keeps what it received for inspection, and plays it on a clock (started
 * by `startNow`, immediately, or by a hardware trigger) so `hasFinished` becomes true after the
 * sequence's duration.
 */
export class PulseStreamerSimulator {
  /** Every sequence received, oldest first. */
  readonly streams: StreamedSequence[] = [];
  /** Every method called, in order. */
  readonly calls: string[] = [];
  startMode: number = TRIGGER_START.immediate;
  rearm: number = TRIGGER_REARM.auto;
  clock: number = CLOCK_SOURCE.internal;
  /** The digital outputs now (bit i for channel i). */
  outputs = 0;
  private current: { durationNs: number; runs: number; final: number } | undefined;
  private armed = false;
  private startedAt: number | undefined;
  private forced = false;
  private readonly unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: PulseStreamerSimulatorOptions,
  ) {
    if (options.triggerBus !== undefined && options.deviceName !== undefined) {
      this.unsubscribe = options.triggerBus.subscribe(options.deviceName, (edge) => {
        this.hardwareTrigger(edge.edge);
      });
    }
  }

  /** Starts a simulator listening on loopback. */
  static async start(options: PulseStreamerSimulatorOptions = {}): Promise<PulseStreamerSimulator> {
    const server = createServer();
    const simulator = new PulseStreamerSimulator(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void simulator.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return simulator;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The host it listens on. */
  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  /** The JSON-RPC endpoint. */
  get url(): string {
    return `http://${this.host}:${this.port}/json-rpc`;
  }

  /**
   * An edge on the hardware trigger input: starts an armed sequence when the start mode accepts
   * it. Returns whether it started one.
   */
  hardwareTrigger(edge: 'rising' | 'falling'): boolean {
    const accepts =
      this.startMode === TRIGGER_START.hardwareRisingAndFalling ||
      (edge === 'rising' && this.startMode === TRIGGER_START.hardwareRising) ||
      (edge === 'falling' && this.startMode === TRIGGER_START.hardwareFalling);
    if (!accepts || !this.armed) return false;
    this.begin();
    return true;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private begin(): void {
    this.armed = false;
    this.forced = false;
    this.startedAt = performance.now();
  }

  private finished(): boolean {
    if (this.forced) return true;
    if (this.current === undefined || this.startedAt === undefined) return false;
    if (this.current.runs < 0) return false;
    const scale = this.options.timeScale ?? 1;
    const wallMs = (this.current.durationNs * this.current.runs * scale) / 1e6;
    const done = performance.now() - this.startedAt >= wallMs;
    if (done) this.outputs = this.current.final;
    return done;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/json-rpc') {
      send(404, { error: 'not found' });
      return;
    }
    let text: string;
    try {
      text = await readBody(request);
    } catch {
      send(413, { error: 'request too large' });
      return;
    }
    let id: number | string | null = null;
    try {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RpcError(JSON_RPC_ERRORS.parse, 'parse error');
      }
      const parsed = jsonRpcRequestSchema.safeParse(json);
      if (!parsed.success) throw new RpcError(JSON_RPC_ERRORS.invalidRequest, 'invalid request');
      id = parsed.data.id ?? null;
      this.calls.push(parsed.data.method);
      const result = this.dispatch(parsed.data.method, parsed.data.params);
      send(200, { jsonrpc: '2.0', result, id });
    } catch (e) {
      const error = e instanceof RpcError ? e : new RpcError(JSON_RPC_ERRORS.internal, String(e));
      send(200, { jsonrpc: '2.0', error: { code: error.code, message: error.message }, id });
    }
  }

  private dispatch(method: string, params: readonly unknown[]): unknown {
    const integer = (index: number, name: string, min: number, max: number): number => {
      const value = params[index];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new RpcError(
          JSON_RPC_ERRORS.invalidParams,
          `${name} must be an integer in [${min}, ${max}]`,
        );
      }
      return value;
    };
    switch (method) {
      case 'getSerial':
        return '00:26:32:f0:5e:12';
      case 'getFirmwareVersion':
        return '1.7.2-simulated';
      case 'reset':
        this.current = undefined;
        this.armed = false;
        this.startedAt = undefined;
        this.outputs = 0;
        return 0;
      case 'setTrigger':
        this.startMode = integer(0, 'start', 0, 4);
        this.rearm = integer(1, 'rearm', 0, 1);
        return 0;
      case 'selectClock':
        this.clock = integer(0, 'source', 0, 2);
        return 0;
      case 'stream':
        return this.stream(params);
      case 'startNow':
        if (this.current === undefined) throw new RpcError(JSON_RPC_ERRORS.internal, 'no sequence');
        this.begin();
        return 0;
      case 'rearm':
        this.armed = this.current !== undefined;
        return this.armed;
      case 'hasSequence':
        return this.current !== undefined;
      case 'hasFinished':
        return this.finished();
      case 'isStreaming':
        return this.startedAt !== undefined && !this.finished();
      case 'forceFinal':
        this.forced = true;
        if (this.current !== undefined) this.outputs = this.current.final;
        return 0;
      case 'getUnderflow':
        return 0;
      default:
        throw new RpcError(JSON_RPC_ERRORS.methodNotFound, `method not found: ${method}`);
    }
  }

  private stream(params: readonly unknown[]): number {
    const [sequence, runs, final] = params;
    if (typeof sequence !== 'string') {
      throw new RpcError(JSON_RPC_ERRORS.invalidParams, 'the sequence must be a base64 string');
    }
    let pulses: Pulse[];
    try {
      pulses = decodePulses(sequence);
    } catch (e) {
      throw new RpcError(JSON_RPC_ERRORS.invalidParams, (e as Error).message);
    }
    const max = this.options.maxPulses ?? 2_000_000;
    if (pulses.length > max) {
      throw new RpcError(
        JSON_RPC_ERRORS.invalidParams,
        `the sequence has ${pulses.length} pulses, more than ${max}`,
      );
    }
    const zero = pulses.findIndex((p) => p.duration === 0);
    if (zero >= 0) {
      throw new RpcError(JSON_RPC_ERRORS.invalidParams, `pulse ${zero} has a duration of 0 ns`);
    }
    if (typeof runs !== 'number' || !Number.isInteger(runs) || (runs < 1 && runs !== -1)) {
      throw new RpcError(JSON_RPC_ERRORS.invalidParams, 'n_runs must be -1 or a positive integer');
    }
    if (
      !Array.isArray(final) ||
      final.length !== 4 ||
      !final.every((v) => typeof v === 'number' && Number.isInteger(v)) ||
      (final[1] as number) < 0 ||
      (final[1] as number) > 255
    ) {
      throw new RpcError(JSON_RPC_ERRORS.invalidParams, 'final must be [0, digital, ao0, ao1]');
    }
    const finalState = final as number[];
    this.streams.push({ pulses, runs, final: finalState, startMode: this.startMode });
    this.current = {
      durationNs: pulses.reduce((sum, p) => sum + p.duration, 0),
      runs,
      final: finalState[1]!,
    };
    this.forced = false;
    this.startedAt = undefined;
    this.armed = true;
    if (this.startMode === TRIGGER_START.immediate) this.begin();
    return 0;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
