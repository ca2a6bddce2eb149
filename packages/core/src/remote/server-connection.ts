import type { z } from 'zod';
import { ConnectionFailedError } from '../errors/index.js';
import { type ErrorClassesByCode, errorFromWire } from './rebuild-error.js';
import { ProtocolError } from './remote-errors.js';
import { errorResponseSchema } from './wire-error.js';

/** One request to the server. */
export interface ServerRequest<S extends z.ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** The schema of a successful answer's JSON body. */
  readonly response: S;
  readonly signal?: AbortSignal;
}

/**
 * HTTP requests to a shotline server with a bearer token: JSON in, JSON out validated by the route's
 * schema, and every error answer rebuilt as the typed `ShotlineError` it was on the server.
 */
export class ServerConnection {
  /** `http://host:port` (no trailing slash). */
  readonly origin: string;

  constructor(
    url: string | URL,
    private readonly token: string,
    private readonly errorClasses: ErrorClassesByCode,
  ) {
    this.origin = new URL(url).origin;
  }

  /** The event stream's URL (`ws:` or `wss:`). */
  webSocketUrl(path: string): string {
    const url = new URL(path, this.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  /** Sends a request; resolves with the parsed answer or rejects with the server's typed error. */
  async request<S extends z.ZodType>(request: ServerRequest<S>): Promise<z.output<S>> {
    const response = await this.send(request);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      throw new ProtocolError(
        `the shotline server at ${this.origin} answered ${request.method} ${request.path} with something that is not JSON (HTTP ${response.status})`,
        { cause },
      );
    }
    if (!response.ok) throw this.errorOf(request, response.status, json);
    const parsed = request.response.safeParse(json);
    if (!parsed.success) {
      throw new ProtocolError(
        `the shotline server at ${this.origin} answered ${request.method} ${request.path} in a form this client does not understand (is it another version?): ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }

  /** Sends a request whose answer is bytes (`application/octet-stream`). */
  async requestBytes(
    request: Omit<ServerRequest<z.ZodType>, 'response'>,
  ): Promise<{ bytes: Uint8Array; headers: Headers }> {
    const response = await this.send({ ...request, response: undefined as never });
    if (!response.ok) {
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      throw this.errorOf(request, response.status, json);
    }
    return { bytes: new Uint8Array(await response.arrayBuffer()), headers: response.headers };
  }

  private async send(request: ServerRequest<z.ZodType>): Promise<Response> {
    const url = new URL(request.path, this.origin);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    try {
      return await fetch(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (cause) {
      throw new ConnectionFailedError(
        `cannot reach the shotline server at ${this.origin} (${request.method} ${request.path}): ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
        { cause, location: { resource: this.origin } },
      );
    }
  }

  private errorOf(
    request: Pick<ServerRequest<z.ZodType>, 'method' | 'path'>,
    status: number,
    json: unknown,
  ): Error {
    const parsed = errorResponseSchema.safeParse(json);
    if (!parsed.success) {
      return new ProtocolError(
        `the shotline server at ${this.origin} answered ${request.method} ${request.path} with HTTP ${status} and no error description`,
      );
    }
    return errorFromWire(parsed.data.error, this.errorClasses);
  }
}
