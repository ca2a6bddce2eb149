import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { processExists } from '@shotline/core';
import type { CommandContext } from '../command-context.js';
import { CliUsageError } from '../cli-errors.js';
import { Lab, locateLab } from '../lab/lab.js';
import { displayPath } from '../input/source-document.js';
import { webControlRoomRoot } from '../lab/web-root.js';

/** Options of `shotline serve`. */
export interface ServeOptions {
  /** `host:port` (default `127.0.0.1:8765`; port 0 picks a free one). */
  readonly listen?: string;
  /** What SIGTERM/SIGINT does to a running sequence: `interrupt` (default) or `finish`. */
  readonly onStop?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Browser origins allowed to open the event stream (repeatable). */
  readonly allowOrigin?: readonly string[];
  /** Log level of the JSON-lines log on stdout. */
  readonly logLevel?: string;
}

/** `host:port` → parts; the host may be `[::1]`. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    throw new CliUsageError(`--listen takes host:port, e.g. 127.0.0.1:8765, got "${text}"`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** A running `shotline serve`: for the demo, which runs one next to its simulators. */
export interface RunningServer {
  readonly url: string;
  /** Whether the web control room is served at `url/`. */
  readonly web: boolean;
  /** Resolves when the server stopped (SIGTERM/SIGINT, or `stop()`). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the lab's server on an open lab: takes the storage's lab lock (a second server, here or on
 * another PC of a shared database, is refused; command-line runs are refused while it holds it),
 * writes `.shotline/server.json` (so the
 * command line finds it), logs JSON lines on stdout, and stops gracefully on SIGTERM or SIGINT
 * (`--on-stop interrupt|finish`), closing the storage last (flushed).
 */
export async function startServe(
  lab: Lab,
  options: ServeOptions,
  notice: (line: string) => void,
): Promise<RunningServer> {
  const onStop = options.onStop ?? 'interrupt';
  if (onStop !== 'interrupt' && onStop !== 'finish') {
    throw new CliUsageError(`--on-stop takes interrupt or finish, got "${onStop}"`);
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new CliUsageError('TLS needs both --tls-cert and --tls-key');
  }
  const listen = parseListen(options.listen ?? '127.0.0.1:8765');
  const { LabServer, writeServerFile, removeServerFile, readServerFile } =
    await import('@shotline/server');
  const running = await readServerFile(lab.location.dir);
  if (running && (running.host !== hostname() || processExists(running.pid))) {
    throw new CliUsageError(
      `a server already runs for this lab at ${running.url} (host ${running.host}, pid ${running.pid}); stop it first`,
      { location: { resource: running.url } },
    );
  }
  const webRoot = webControlRoomRoot();
  const tls =
    options.tlsCert && options.tlsKey
      ? { cert: await readFile(options.tlsCert), key: await readFile(options.tlsKey) }
      : undefined;
  const server = await LabServer.create({
    storage: lab.storage,
    registry: lab.registry,
    pipeline: lab.config.pipeline,
    suspenders: lab.config.suspenders,
    ...(lab.config.managerId ? { managerId: lab.config.managerId } : {}),
    // Named with its address, so that a refused `shotline run` (or a second server) says where it is.
    label: `shotline serve ${listen.port === 0 ? listen.host : `${listen.host}:${listen.port}`}`,
    logger: {
      level: options.logLevel ?? 'info',
      redact: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]'],
    },
    ...(options.allowOrigin ? { allowedOrigins: options.allowOrigin } : {}),
    ...(tls ? { tls } : {}),
    ...(webRoot ? { webRoot } : {}),
  });
  const url = await server.listen(listen);
  await writeServerFile(lab.location.dir, url);
  notice(
    `shotline server for the lab ${displayPath(lab.location.dir)} at ${url} (logs: JSON lines on stdout; SIGTERM or Ctrl-C stops it)`,
  );
  notice(
    webRoot
      ? `web control room: open ${url}/ in a browser and log in with a token`
      : 'web control room: not installed (npm install @shotline/web), the API only',
  );
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await server.close({ running: onStop });
      } finally {
        await removeServerFile(lab.location.dir);
        resolveStopped();
      }
    })();
    return stopping;
  };
  const onSignal = (): void => {
    notice(
      onStop === 'interrupt'
        ? 'stopping: the running shot finishes and is stored, the sequence ends INTERRUPTED, the devices close'
        : 'stopping: the running sequence runs to its end, then the devices close',
    );
    void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { url, web: webRoot !== undefined, stopped, stop };
}

/** `shotline serve [--listen host:port] [--on-stop interrupt|finish] [--tls-cert f --tls-key f]`. */
export async function serveCommand(context: CommandContext, options: ServeOptions): Promise<void> {
  const lab = await Lab.open(locateLab(context.labOption), { writer: 'worker' });
  try {
    const running = await startServe(lab, options, (line) => context.output.notice(line));
    await running.stopped;
  } finally {
    await lab.close();
  }
}
