import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries of the machine (Debian layout), if any. */
function serverBinaries(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(base, versions[0]!, 'bin') : undefined;
}

/** A free TCP port on loopback (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A PostgreSQL server of its own for one test file, in a temporary directory on a free port, that
 * the test may stop and start (fast or immediate shutdown) without disturbing the shared test
 * server other tests use. As root the server runs as the `postgres` user (initdb refuses root).
 */
export class ThrowawayPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Why such a server cannot run here, or undefined when it can. */
  static skipReason(): string | undefined {
    return serverBinaries() === undefined
      ? 'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)'
      : undefined;
  }

  /** Creates the cluster and starts the server. */
  static async start(): Promise<ThrowawayPostgres> {
    const bin = serverBinaries();
    if (!bin) throw new Error(ThrowawayPostgres.skipReason());
    const dir = mkdtempSync(join(tmpdir(), 'shotline-pg-'));
    if (userInfo().uid === 0) {
      const { stdout: uid } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(uid.trim()), Number(gid.trim()));
    }
    chmodSync(dir, 0o700);
    const server = new ThrowawayPostgres(bin, dir, await freePort());
    await server.asServerUser('initdb', [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    await server.startServer();
    return server;
  }

  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async asServerUser(command: string, args: string[]): Promise<string> {
    const file = join(this.bin, command);
    const [cmd, argv] =
      userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    const { stdout } = await run(cmd, argv, { timeout: 120_000 });
    return stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.asServerUser('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '120',
      'start',
    ]);
  }

  /**
   * Stops the server: `fast` ends every session (they get 57P01), `immediate` kills the server
   * processes at once (the next start runs crash recovery).
   */
  async stopServer(mode: 'fast' | 'immediate'): Promise<void> {
    await this.asServerUser('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  /** Stops (if running) and removes the cluster. */
  async dispose(): Promise<void> {
    try {
      await this.stopServer('immediate');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
