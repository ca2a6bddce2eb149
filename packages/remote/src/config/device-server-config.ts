import { z } from 'zod';
import type { ManagerCredential } from '../server/manager-tokens.js';
import type { DeviceServerTls } from '../server/device-server.js';
import { readConfigFile, readSecret, secretSourceSchema } from './secret-source.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name is letters, digits, ".", "_" or "-"');

const packageName = z
  .string()
  .regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, 'expected an npm package name');

/**
 * zod schema of a device server's configuration file (`shotline device-server --config <file>`):
 *
 * ```yaml
 * name: camera-pc                      # what labs call this server
 * listen: 0.0.0.0:7300
 * tls:
 *   cert: certs/camera-pc.crt          # files relative to this file
 *   key: certs/camera-pc.key
 *   clientCa: certs/lab-ca.crt         # optional: managers must present a certificate it signed
 * managers:
 *   lab-pc-1:
 *     token: { file: secrets/lab-pc-1.token }   # or { env: LAB_PC_1_TOKEN }
 * devices:
 *   allow: [shotline.camera.genicam]   # the device types served; any other is refused
 * plugins: { allow: ['@shotline/camera'], root: .. }   # optional, as in a lab file
 * maxMessageBytes: 67108864            # optional (64 MiB)
 * maxLeaseMs: 60000                    # optional
 * ```
 */
export const deviceServerConfigSchema = z
  .object({
    name,
    listen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:]+):\d{1,5}$/, 'expected host:port')
      .default('0.0.0.0:7300'),
    tls: z
      .object({
        cert: z.string().min(1),
        key: z.string().min(1),
        clientCa: z.string().min(1).optional(),
      })
      .strict(),
    managers: z
      .record(name, z.object({ token: secretSourceSchema }).strict())
      .refine((m) => Object.keys(m).length > 0, 'give at least one manager a token'),
    devices: z.object({ allow: z.array(z.string().min(1)).min(1) }).strict(),
    plugins: z
      .object({
        allow: z.array(packageName).optional(),
        packages: z.array(packageName).optional(),
        root: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    maxMessageBytes: z.int().min(1024).optional(),
    maxLeaseMs: z.int().min(1000).optional(),
    closeTimeoutMs: z.int().min(100).optional(),
  })
  .strict();

/** A device server's configuration, as validated by {@link deviceServerConfigSchema}. */
export type DeviceServerConfig = z.infer<typeof deviceServerConfigSchema>;

/** The secrets and certificates a device server configuration names, read from their files. */
export interface DeviceServerSecrets {
  readonly tls: DeviceServerTls;
  readonly managers: readonly ManagerCredential[];
}

/**
 * Reads the certificates, key and manager tokens a configuration names (files relative to
 * `baseDir`, or environment variables). Errors name the file or variable and the setting.
 */
export function readDeviceServerSecrets(
  config: DeviceServerConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): DeviceServerSecrets {
  return {
    tls: {
      cert: readConfigFile(config.tls.cert, baseDir, 'tls.cert'),
      key: readConfigFile(config.tls.key, baseDir, 'tls.key'),
      ...(config.tls.clientCa
        ? { clientCa: readConfigFile(config.tls.clientCa, baseDir, 'tls.clientCa') }
        : {}),
    },
    managers: Object.entries(config.managers).map(([manager, { token }]) => ({
      name: manager,
      token: readSecret(token, baseDir, `managers.${manager}.token`, env),
    })),
  };
}
