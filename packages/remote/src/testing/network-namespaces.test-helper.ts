import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Why the network-namespace tests cannot run here, or undefined when they can: they need root (to
 * create namespaces and veth pairs) and iproute2's `ip`.
 */
export function networkNamespacesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only';
  if (process.getuid?.() !== 0) {
    return 'creating network namespaces and veth pairs needs root (CI runs as root)';
  }
  const probe = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (probe.error) return 'iproute2 is not installed (Debian: apt-get install iproute2)';
  return undefined;
}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await run('ip', args)).stdout;
  } catch (e) {
    const error = e as Error & { stderr?: string };
    throw new Error(`ip ${args.join(' ')} failed: ${error.stderr?.trim() ?? error.message}`, {
      cause: e,
    });
  }
}

/** Prefix of every namespace these tests create; the process id follows it. */
const PREFIX = 'shotline-t23-';

/**
 * Deletes namespaces a test process that died without cleaning up left behind (their name carries
 * the id of a process that no longer exists). Never touches a namespace of a running process.
 */
async function removeStaleNamespaces(): Promise<void> {
  const listing = await ip('netns', 'list').catch(() => '');
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (match && !existsSync(`/proc/${match[1]}`)) {
      await ip('netns', 'delete', name).catch(() => undefined);
    }
  }
}

let counter = 0;

/**
 * Two hosts on one machine: this process's network namespace (the manager's PC) and a new one
 * (the device server's PC), joined by a veth pair with a /30 subnet of their own. The link can be
 * taken down and up from the manager's side; processes are started inside the other host with
 * `ip netns exec`. {@link dispose} deletes the namespace (and with it both ends of the pair).
 */
export class TwoHosts {
  private constructor(
    /** The device server's namespace. */
    readonly namespace: string,
    /** The manager's end of the veth pair (in this process's namespace). */
    readonly managerLink: string,
    /** The server's end, inside {@link namespace}. */
    readonly serverLink: string,
    readonly managerAddress: string,
    readonly serverAddress: string,
  ) {}

  /** Creates the namespace and the link; on any failure, removes what it made. */
  static async create(): Promise<TwoHosts> {
    await removeStaleNamespaces();
    const id = `${process.pid}-${++counter}`;
    const namespace = `${PREFIX}${id}`;
    // Interface names are at most 15 characters.
    const tag = `${(process.pid % 100_000).toString(36)}${counter.toString(36)}`;
    const managerLink = `slm${tag}`.slice(0, 15);
    const serverLink = `sls${tag}`.slice(0, 15);
    // A /30 in 10.230-245.x.y picked from the process id and counter: distinct per run.
    const n = (process.pid * 7 + counter) % (16 * 256 * 64);
    const base = `10.${230 + Math.floor(n / (256 * 64))}.${Math.floor(n / 64) % 256}`;
    const last = (n % 64) * 4;
    const hosts = new TwoHosts(
      namespace,
      managerLink,
      serverLink,
      `${base}.${last + 1}`,
      `${base}.${last + 2}`,
    );
    try {
      await ip('netns', 'add', namespace);
      await ip(
        'link',
        'add',
        managerLink,
        'type',
        'veth',
        'peer',
        'name',
        serverLink,
        'netns',
        namespace,
      );
      await ip('addr', 'add', `${hosts.managerAddress}/30`, 'dev', managerLink);
      await ip('-n', namespace, 'addr', 'add', `${hosts.serverAddress}/30`, 'dev', serverLink);
      await ip('link', 'set', managerLink, 'up');
      await ip('-n', namespace, 'link', 'set', serverLink, 'up');
      await ip('-n', namespace, 'link', 'set', 'lo', 'up');
    } catch (e) {
      await hosts.dispose();
      throw e;
    }
    return hosts;
  }

  /** `ip link set down` on the manager's end: nothing passes until {@link linkUp}. */
  async linkDown(): Promise<void> {
    await ip('link', 'set', this.managerLink, 'down');
  }

  async linkUp(): Promise<void> {
    await ip('link', 'set', this.managerLink, 'up');
  }

  /**
   * Adds `tc netem` impairments (`delay 50ms`...) to both ends of the link. Resolves false when the
   * kernel has no netem queueing discipline (sch_netem not built or not loaded).
   */
  async netem(...impairments: string[]): Promise<boolean> {
    try {
      await run('tc', ['qdisc', 'add', 'dev', this.managerLink, 'root', 'netem', ...impairments]);
      await run('ip', [
        'netns',
        'exec',
        this.namespace,
        'tc',
        'qdisc',
        'add',
        'dev',
        this.serverLink,
        'root',
        'netem',
        ...impairments,
      ]);
      return true;
    } catch (e) {
      const message = (e as { stderr?: string }).stderr ?? '';
      if (/unknown|No such file|not found/i.test(message)) return false;
      throw e;
    }
  }

  /** Starts `command args` inside the server's namespace (`ip netns exec` replaces itself). */
  spawn(
    command: string,
    args: readonly string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.namespace, command, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
  }

  /** Deletes the namespace (its processes must have been stopped first) and the veth pair. */
  async dispose(): Promise<void> {
    await ip('link', 'delete', this.managerLink).catch(() => undefined);
    await ip('netns', 'delete', this.namespace).catch(() => undefined);
  }
}

/** JSON lines a child process writes on stdout, kept in order, with a way to wait for one. */
export class JsonLines<T extends object = Record<string, unknown>> {
  readonly entries: T[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.entries.push(JSON.parse(line) as T);
      } catch {
        return;
      }
      for (const waiter of this.waiters) waiter();
    });
  }

  /** Resolves with the first entry (already seen or to come) that matches; rejects after `timeoutMs`. */
  waitFor(match: (entry: T) => boolean, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const found = this.entries.find(match);
        if (!found) return false;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no log line "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
      check();
    });
  }
}

/**
 * A TCP relay on 127.0.0.1 that holds every chunk for `delayMs` in each direction before passing it
 * on: a slow link for kernels without `tc netem`. Chunks keep their order (same delay, timers in
 * order); the bytes themselves are untouched (TLS runs end to end through it).
 */
export async function startDelayingRelay(
  target: { host: string; port: number },
  delayMs: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(target.port, target.host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    const pipeDelayed = (from: Socket, to: Socket): void => {
      from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
    };
    pipeDelayed(inbound, outbound);
    pipeDelayed(outbound, inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
