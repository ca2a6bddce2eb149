/** How a manager reaches one device server (credentials already loaded; never logged). */
export interface RemoteServerOptions {
  /** The server's name in the lab file (`camera-pc`), used in every message. */
  readonly name: string;
  /** `host:port` of the server. */
  readonly address: string;
  /** The bearer token this manager presents. */
  readonly token: string;
  /** PEM certificate(s) trusted to sign the server's certificate. Default: the system's CAs. */
  readonly ca?: Buffer | string;
  /** Name expected in the server's certificate, when it differs from the address's host. */
  readonly serverName?: string;
  /** This manager's client certificate and key (PEM), for a server that requires them. */
  readonly clientCert?: Buffer | string;
  readonly clientKey?: Buffer | string;
  /** Deadline of short calls (describe, lease renewal, close), ms. Default 5,000. */
  readonly callTimeoutMs?: number;
  /** Deadline of opening a device, ms. Default 60,000. */
  readonly openTimeoutMs?: number;
  /**
   * A shot fails when its server has not been heard from for this long, ms. Default 2,000: the
   * bound within which a lost server fails the shot.
   */
  readonly lossTimeoutMs?: number;
  /** Lease asked for each device (renewed every third of it), ms. Default 10,000. */
  readonly leaseMs?: number;
  /** Deadline of one shot's stream, ms. Default 1 hour (liveness is the heartbeat). */
  readonly shotDeadlineMs?: number;
  /** Largest message sent or accepted, bytes. Default 64 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Run a device's shots on one stream (default true); false opens a stream per shot, as
   * protocol version 1 managers first did (kept to measure the difference, `remote-shot` bench).
   */
  readonly reuseShotStreams?: boolean;
}

/** {@link RemoteServerOptions} with every default applied. */
export type ResolvedRemoteServerOptions = Required<
  Omit<RemoteServerOptions, 'ca' | 'serverName' | 'clientCert' | 'clientKey'>
> &
  Pick<RemoteServerOptions, 'ca' | 'serverName' | 'clientCert' | 'clientKey'>;

/** Applies the defaults. */
export function resolveRemoteServerOptions(
  options: RemoteServerOptions,
): ResolvedRemoteServerOptions {
  return {
    callTimeoutMs: 5_000,
    openTimeoutMs: 60_000,
    lossTimeoutMs: 2_000,
    leaseMs: 10_000,
    shotDeadlineMs: 3_600_000,
    maxMessageBytes: 64 * 1024 * 1024,
    reuseShotStreams: true,
    ...options,
  };
}
