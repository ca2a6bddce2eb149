import type { SimulatedLab } from '@shotline/testing';
import { createApiToken } from './auth/api-tokens.js';
import type { Scope } from './auth/scopes.js';
import { LabServer, type LabServerOptions } from './lab-server.js';

/** A lab server listening on an ephemeral loopback port, with a token. */
export interface TestServer {
  readonly server: LabServer;
  readonly url: string;
  readonly token: string;
  /** Logs written by the server (JSON lines). */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Starts a server over a simulated lab (real sockets, real HTTP) and creates a token. */
export async function startTestServer(
  lab: SimulatedLab,
  options: Partial<LabServerOptions> & { scopes?: Scope[] } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const server = await LabServer.create({
    storage: lab.storage,
    registry: lab.registry,
    logger: {
      level: 'debug',
      stream: { write: (line: string) => void logs.push(line) },
    },
    ...options,
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await createApiToken(lab.storage, 'tester', options.scopes ?? ['admin']);
  return { server, url, token, logs, close: () => server.close() };
}
