import { z } from 'zod';
import type { RemoteServerSource } from '../client/remote-servers.js';
import { readConfigFile, readSecret, secretSourceSchema } from './secret-source.js';

/**
 * zod schema of one device server in a lab file (`servers:` section of `shotline.yaml`):
 *
 * ```yaml
 * servers:
 *   camera-pc:
 *     address: camera-pc.lab.example.org:7300
 *     ca: certs/lab-ca.crt            # trusts the server's certificate (default: system CAs)
 *     token: { env: CAMERA_PC_TOKEN }  # or { file: secrets/camera-pc.token }
 *     clientCert: certs/lab-pc-1.crt   # optional: when the server requires client certificates
 *     clientKey: certs/lab-pc-1.key
 *     serverName: camera-pc            # optional: the name in its certificate, if not the host
 *     lossTimeoutMs: 2000              # optional: a silent server fails the shot after this
 *     leaseMs: 10000                   # optional
 * ```
 */
export const remoteServerConfigSchema = z
  .object({
    address: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/, 'expected host:port'),
    token: secretSourceSchema,
    ca: z.string().min(1).optional(),
    clientCert: z.string().min(1).optional(),
    clientKey: z.string().min(1).optional(),
    serverName: z.string().min(1).optional(),
    lossTimeoutMs: z.number().positive().optional(),
    leaseMs: z.int().min(1000).optional(),
    callTimeoutMs: z.number().positive().optional(),
    openTimeoutMs: z.number().positive().optional(),
    maxMessageBytes: z.int().min(1024).optional(),
  })
  .strict()
  .refine((s) => (s.clientCert === undefined) === (s.clientKey === undefined), {
    message: 'clientCert and clientKey go together',
  });

/** The `servers:` section of a lab file: device servers by name. */
export const remoteServersConfigSchema = z.record(
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a server name is letters, digits, ".", "_" or "-"'),
  remoteServerConfigSchema,
);

/** The `servers:` section, as validated by {@link remoteServersConfigSchema}. */
export type RemoteServersConfig = z.infer<typeof remoteServersConfigSchema>;

/**
 * The servers of a lab file, each read (certificates, token) only when first used, so a missing
 * secret affects only the runs that use that server. Paths are relative to `baseDir`.
 */
export function remoteServerSources(
  config: RemoteServersConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): RemoteServerSource[] {
  return Object.entries(config).map(([name, server]) => ({
    name,
    load: () => {
      const at = `servers.${name}`;
      const { token, ca, clientCert, clientKey, address, serverName, ...limits } = server;
      return {
        name,
        address,
        token: readSecret(token, baseDir, `${at}.token`, env),
        ...(ca ? { ca: readConfigFile(ca, baseDir, `${at}.ca`) } : {}),
        ...(clientCert
          ? { clientCert: readConfigFile(clientCert, baseDir, `${at}.clientCert`) }
          : {}),
        ...(clientKey ? { clientKey: readConfigFile(clientKey, baseDir, `${at}.clientKey`) } : {}),
        ...(serverName ? { serverName } : {}),
        ...limits,
      };
    },
  }));
}
