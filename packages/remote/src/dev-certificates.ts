import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RemoteConfigurationError } from './remote-errors.js';

const run = promisify(execFile);

/** Options of {@link createDevelopmentCertificates}. */
export interface DevelopmentCertificatesOptions {
  /** Names the server certificate is valid for. Default `localhost`. */
  readonly dnsNames?: readonly string[];
  /** Addresses it is valid for. Default `127.0.0.1`. */
  readonly ipAddresses?: readonly string[];
  /** Names of client certificates to make (one key and certificate each). Default none. */
  readonly clients?: readonly string[];
  /** Validity in days. Default 30. */
  readonly days?: number;
}

/** Files written by {@link createDevelopmentCertificates} (absolute paths). */
export interface DevelopmentCertificates {
  /** The CA that signed everything (trust it on the manager: `ca:`; on the server: `clientCa:`). */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate and key by client name. */
  readonly clients: Readonly<Record<string, { cert: string; key: string }>>;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    const error = e as NodeJS.ErrnoException & { stderr?: string };
    throw new RemoteConfigurationError(
      error.code === 'ENOENT'
        ? 'openssl is not installed (Debian/Ubuntu: apt-get install openssl)'
        : `openssl ${args[0]} failed: ${error.stderr?.trim() ?? error.message}`,
      { cause: e },
    );
  }
}

/**
 * Makes a throwaway certificate authority, a server certificate and optional client certificates
 * with `openssl` (P-256 keys), in `dir`. For demos, tests and a first try on two PCs; a lab that
 * keeps its servers should use certificates from its own CA (see docs/remote-devices.md).
 */
export async function createDevelopmentCertificates(
  dir: string,
  options: DevelopmentCertificatesOptions = {},
): Promise<DevelopmentCertificates> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const days = String(options.days ?? 30);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...key,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      days,
      '-subj',
      '/CN=shotline development CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const sign = async (name: string, extensions: string): Promise<void> => {
    await writeFile(join(dir, `${name}.ext`), extensions);
    await openssl(
      ['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
      dir,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        days,
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    );
  };
  const san = [
    ...(options.dnsNames ?? ['localhost']).map((n) => `DNS:${n}`),
    ...(options.ipAddresses ?? ['127.0.0.1']).map((a) => `IP:${a}`),
  ].join(',');
  await sign('server', `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  const clients: Record<string, { cert: string; key: string }> = {};
  for (const client of options.clients ?? []) {
    await sign(client, 'extendedKeyUsage=clientAuth\n');
    clients[client] = { cert: join(dir, `${client}.crt`), key: join(dir, `${client}.key`) };
  }
  return {
    caCert: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clients,
  };
}
