import { ConnectionFailedError } from '../errors/index.js';

/** The part of the WHATWG WebSocket API the client uses (the global one, or the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

/** A WebSocket constructor: `new (url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/**
 * The WebSocket implementation: the global `WebSocket` where the runtime has one (Node 22+,
 * browsers), else the `ws` package, loaded only when a client connects (Node 20 has no global
 * WebSocket; `ws` is an optional peer dependency of @shotline/core, so programs that never connect
 * to a server do not need it).
 */
export async function webSocketImplementation(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof global === 'function') return global;
  const name = 'ws';
  try {
    const module = (await import(name)) as { WebSocket: WebSocketConstructor };
    return module.WebSocket;
  } catch (cause) {
    throw new ConnectionFailedError(
      'this Node.js has no WebSocket: install the "ws" package (npm install ws) to connect to a shotline server',
      { cause },
    );
  }
}
