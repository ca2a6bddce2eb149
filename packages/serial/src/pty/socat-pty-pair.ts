import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShotlineError } from '@shotline/core';

/** Starting or stopping a pseudo-terminal pair failed (socat missing, did not start in time...). */
export class PtyPairError extends ShotlineError {
  static override readonly code: string = 'PTY_PAIR';
}

/** Options of {@link openPtyPair}. */
export interface PtyPairOptions {
  /** Directory for the two links; default a new temporary directory (removed on close). */
  readonly directory?: string;
  /** The socat program; default `socat` on the PATH. */
  readonly socat?: string;
  /** How long socat may take to start, ms; default 10000. */
  readonly startTimeoutMs?: number;
}

/** True if the socat program can be run. */
export function isSocatAvailable(socat = 'socat'): boolean {
  const result = spawnSync(socat, ['-V'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * Two connected pseudo-terminals made by socat (`pty,raw,echo=0,link=...` on both sides): what one
 * end writes, the other reads, through the kernel's tty layer, exactly like a serial cable. The
 * driver under test opens `hostPath`; a simulator serves `instrumentPath`.
 *
 * `unplug()` stops socat: both ends vanish, as when a USB adapter is pulled out (open ports get a
 * read error). `replug()` starts a new pair behind the same link paths, so a driver can reopen the
 * same path.
 */
export class PtyPair implements AsyncDisposable {
  private process: ChildProcess | undefined;
  private closed = false;

  private constructor(
    /** The end the driver opens (a symlink to `/dev/pts/N`). */
    readonly hostPath: string,
    /** The end the simulated instrument serves. */
    readonly instrumentPath: string,
    private readonly socat: string,
    private readonly startTimeoutMs: number,
    private readonly ownedDirectory: string | undefined,
  ) {}

  /** Creates the pair and waits until socat is ready. */
  static async open(options: PtyPairOptions = {}): Promise<PtyPair> {
    const owned = options.directory === undefined;
    const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'shotline-pty-')));
    const pair = new PtyPair(
      join(directory, 'host'),
      join(directory, 'instrument'),
      options.socat ?? 'socat',
      options.startTimeoutMs ?? 10_000,
      owned ? directory : undefined,
    );
    try {
      await pair.start();
    } catch (error) {
      await pair.close();
      throw error;
    }
    return pair;
  }

  /** True while socat runs (the two ends exist). */
  get running(): boolean {
    return this.process !== undefined;
  }

  /** Removes both ends (stops socat); open ports on them see a disconnection. */
  async unplug(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      // socat ends at once on SIGTERM; SIGKILL is the safety net that keeps this from hanging.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
    await Promise.all([
      rm(this.hostPath, { force: true }),
      rm(this.instrumentPath, { force: true }),
    ]);
  }

  /** Brings a new pair up behind the same paths. */
  async replug(): Promise<void> {
    if (this.closed) throw new PtyPairError('the pseudo-terminal pair is closed');
    if (this.process) return;
    await this.start();
  }

  /** Stops socat and removes the links (and the temporary directory). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.unplug();
    if (this.ownedDirectory) await rm(this.ownedDirectory, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private start(): Promise<void> {
    const args = [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${this.hostPath}`,
      `pty,raw,echo=0,link=${this.instrumentPath}`,
    ];
    const child = spawn(this.socat, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    return new Promise<void>((resolve, reject) => {
      let log = '';
      const fail = (why: string, cause?: unknown): void => {
        cleanup();
        if (this.process === child) this.process = undefined;
        child.kill('SIGKILL');
        reject(
          new PtyPairError(`cannot create a pseudo-terminal pair with socat: ${why}`, { cause }),
        );
      };
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        // socat -d -d logs this once both ptys exist and their links are in place.
        if (log.includes('starting data transfer loop')) {
          cleanup();
          child.stderr?.resume();
          // Later failures (e.g. of kill()) must not crash the process; unplug() copes.
          child.on('error', () => undefined);
          child.once('exit', () => {
            if (this.process === child) this.process = undefined;
          });
          resolve();
        }
      };
      const onError = (error: NodeJS.ErrnoException): void =>
        fail(
          error.code === 'ENOENT'
            ? `${this.socat} is not installed (Debian: apt-get install socat)`
            : error.message,
          error,
        );
      const onExit = (code: number | null): void =>
        fail(`socat exited with code ${code}: ${log.trim()}`);
      const timer = setTimeout(
        () => fail(`socat did not start within ${this.startTimeoutMs} ms: ${log.trim()}`),
        this.startTimeoutMs,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.off('error', onError);
        child.off('exit', onExit);
      };
      child.stderr?.on('data', onData);
      child.once('error', onError);
      child.once('exit', onExit);
    });
  }
}

/** Shorthand for {@link PtyPair.open}. */
export function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  return PtyPair.open(options);
}
