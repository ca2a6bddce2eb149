import type { DependencyContainer } from '@shotline/core';
import { RemoteConfigurationError } from '../remote-errors.js';
import { DeviceServerConnection } from './device-server-connection.js';
import type { RemoteServerOptions } from './remote-server-options.js';

/**
 * Token of a lab's {@link RemoteServers} in its plugin container. A global symbol, so every copy of
 * this package agrees on it.
 */
export const REMOTE_SERVERS_TOKEN: unique symbol = Symbol.for('shotline.RemoteServers');

/** A server of the lab file, whose credentials are read when it is first used. */
export interface RemoteServerSource {
  readonly name: string;
  /** Reads the credentials (files, environment); throws a RemoteConfigurationError naming them. */
  load(): RemoteServerOptions;
}

/**
 * The device servers a lab knows by name (from its lab file), with one connection each, opened on
 * first use and shared by every device on that server.
 */
export class RemoteServers {
  private readonly sources = new Map<string, RemoteServerSource>();
  private readonly connections = new Map<string, DeviceServerConnection>();

  constructor(servers: readonly (RemoteServerSource | RemoteServerOptions)[]) {
    for (const server of servers) {
      this.sources.set(
        server.name,
        'load' in server ? server : { name: server.name, load: () => server },
      );
    }
  }

  /** The lab's {@link RemoteServers} registered in `container`, or undefined. */
  static of(container: DependencyContainer): RemoteServers | undefined {
    return container.isRegistered(REMOTE_SERVERS_TOKEN, true)
      ? container.resolve<RemoteServers>(REMOTE_SERVERS_TOKEN)
      : undefined;
  }

  /** Registers these servers in a lab's container (for the `shotline.remote` device type). */
  registerIn(container: DependencyContainer): this {
    container.registerInstance(REMOTE_SERVERS_TOKEN, this);
    return this;
  }

  /** The server names, sorted. */
  names(): string[] {
    return [...this.sources.keys()].sort();
  }

  /** The connection to a server; throws naming the server and the known ones when unknown. */
  connection(name: string): DeviceServerConnection {
    const existing = this.connections.get(name);
    if (existing) return existing;
    const source = this.sources.get(name);
    if (!source) {
      const known = this.names();
      throw new RemoteConfigurationError(
        `there is no device server "${name}" in the lab file (${
          known.length > 0 ? `known: ${known.join(', ')}` : 'it defines none'
        }); add it under "servers:" with its address and credentials`,
      );
    }
    const connection = new DeviceServerConnection({ ...source.load(), name });
    this.connections.set(name, connection);
    return connection;
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
