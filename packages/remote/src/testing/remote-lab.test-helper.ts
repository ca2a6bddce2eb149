import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceRegistry, type AnyDeviceExtension, type ShotlinePlugin } from '@shotline/core';
import { testingPlugin } from '@shotline/testing';
import { DeviceServerConnection } from '../client/device-server-connection.js';
import type { RemoteServerOptions } from '../client/remote-server-options.js';
import {
  createDevelopmentCertificates,
  type DevelopmentCertificates,
} from '../dev-certificates.js';
import type { DeviceServerLogEntry } from '../server/device-server-log.js';
import { DeviceServer, type DeviceServerOptions } from '../server/device-server.js';
import { readFileSync } from 'node:fs';

/** Certificates for one test file: a CA, a server certificate for 127.0.0.1, client `lab-pc`. */
export async function testCertificates(): Promise<{
  certs: DevelopmentCertificates;
  /** A second CA with its own client `intruder`, which the server does not trust. */
  other: DevelopmentCertificates;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'shotline-remote-certs-'));
  const certs = await createDevelopmentCertificates(join(dir, 'lab'), { clients: ['lab-pc'] });
  const other = await createDevelopmentCertificates(join(dir, 'other'), { clients: ['intruder'] });
  return { certs, other, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A device server on loopback for one test, and what a manager needs to reach it. */
export interface TestDeviceServer {
  readonly server: DeviceServer;
  readonly address: string;
  readonly token: string;
  readonly logs: DeviceServerLogEntry[];
  /** Options of a connection to it (override what a test needs). */
  options(overrides?: Partial<RemoteServerOptions>): RemoteServerOptions;
  /** A connection to it, closed with the server. */
  connect(overrides?: Partial<RemoteServerOptions>): DeviceServerConnection;
  close(): Promise<void>;
}

/** Starts a device server on 127.0.0.1 (any free port) with the testing plugin's devices. */
export async function startTestDeviceServer(
  certs: DevelopmentCertificates,
  options: {
    allow?: readonly string[];
    extensions?: readonly AnyDeviceExtension[];
    plugins?: readonly ShotlinePlugin[];
    requireClientCertificates?: boolean;
    name?: string;
    token?: string;
    server?: Partial<DeviceServerOptions>;
  } = {},
): Promise<TestDeviceServer> {
  const registry = new DeviceRegistry();
  for (const plugin of options.plugins ?? [testingPlugin]) await registry.use(plugin);
  for (const extension of options.extensions ?? []) registry.addDevice(extension);
  const token = options.token ?? 'test-token-0123456789';
  const logs: DeviceServerLogEntry[] = [];
  const name = options.name ?? 'test-pc';
  const server = await DeviceServer.start({
    name,
    registry,
    allow: options.allow ?? registry.extensions().map((e) => e.type),
    managers: [{ name: 'lab-pc', token }],
    tls: {
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      ...(options.requireClientCertificates ? { clientCa: readFileSync(certs.caCert) } : {}),
    },
    listen: '127.0.0.1:0',
    logger: (entry) => logs.push(entry),
    ...options.server,
  });
  const address = `localhost:${server.port}`;
  const connections: DeviceServerConnection[] = [];
  const optionsOf = (overrides: Partial<RemoteServerOptions> = {}): RemoteServerOptions => ({
    name,
    address,
    token,
    ca: readFileSync(certs.caCert),
    ...(options.requireClientCertificates
      ? {
          clientCert: readFileSync(certs.clients['lab-pc']!.cert),
          clientKey: readFileSync(certs.clients['lab-pc']!.key),
        }
      : {}),
    ...overrides,
  });
  return {
    server,
    address,
    token,
    logs,
    options: optionsOf,
    connect: (overrides) => {
      const connection = new DeviceServerConnection(optionsOf(overrides));
      connections.push(connection);
      return connection;
    },
    close: async () => {
      for (const connection of connections) connection.close();
      await server.close();
    },
  };
}
