import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built `shotline` binary the tests run. */
export const SHOTLINE_BIN = resolve(import.meta.dirname, '../dist/bin.js');

/** What a run of the binary printed and returned. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link shotline}. */
export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Called once the process is started (to send it signals). */
  readonly onStart?: (child: ChildProcess) => void;
}

/** Runs `node dist/bin.js ...args` and collects its output. */
export function shotline(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SHOTLINE_BIN, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { ...process.env, SHOTLINE_LAB: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    options.onStart?.(child);
  });
}

/** A temporary folder, removed by `dispose()`. */
export interface TempDir {
  readonly dir: string;
  dispose(): void;
}

/** Creates a temporary folder. */
export function tempDir(prefix = 'shotline-cli-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A lab created with `shotline init` in a temporary folder, and a runner bound to it. */
export interface TempLab extends TempDir {
  readonly lab: string;
  /** Runs `shotline --lab <lab> ...args`. */
  run(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Like {@link run} with `--json`, parsing stdout; fails the test on a non-zero exit. */
  json<T = unknown>(args: readonly string[]): Promise<T>;
}

/** Makes a new lab (`shotline init`) in a temporary folder. */
export async function tempLab(): Promise<TempLab> {
  const temp = tempDir();
  const lab = join(temp.dir, 'lab');
  const init = await shotline(['init', lab]);
  if (init.code !== 0) throw new Error(`shotline init failed: ${init.stderr}`);
  const run = (args: readonly string[], options: CliOptions = {}): Promise<CliResult> =>
    shotline(['--lab', lab, ...args], { cwd: temp.dir, ...options });
  return {
    ...temp,
    lab,
    run,
    async json<T>(args: readonly string[]): Promise<T> {
      const result = await run(['--json', ...args]);
      if (result.code !== 0) {
        throw new Error(`shotline ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as T;
    },
  };
}

/** A sequence file of `shots` shots counting `i` from 0, one 1 ms step, no lanes. */
export function scanFile(shots: number): string {
  return [
    'iteration:',
    '  - arange: i',
    '    start: 0',
    `    stop: ${shots}`,
    '    step: 1',
    'steps:',
    '  - expose: 1 ms',
    'lanes: {}',
    '',
  ].join('\n');
}

/** Starts `shotline run <name> ...args` and resolves once it runs, with the child and its end. */
export async function startRun(
  lab: TempLab,
  name: string,
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; ended: Promise<CliResult> }> {
  let resolveStarted!: (child: ChildProcess) => void;
  const started = new Promise<ChildProcess>((resolve) => (resolveStarted = resolve));
  let seen = '';
  const ended = lab.run(['run', name, ...args], {
    onStart: (child) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(`running \\${name}`)) resolveStarted(child);
      });
    },
  });
  const child = await Promise.race([
    started,
    ended.then((r) => {
      throw new Error(`the run ended before it started: ${r.stderr}`);
    }),
  ]);
  return { child, ended };
}

/** Polls `seq show <name>` until `check` accepts what it shows; returns that. */
export async function untilShown<T>(
  lab: TempLab,
  name: string,
  check: (shown: T) => boolean,
): Promise<T> {
  for (;;) {
    const shown = await lab.json<T>(['seq', 'show', name]);
    if (check(shown)) return shown;
  }
}

/** Polls `seq show <name>` until at least `shots` shots are stored. */
export function untilStored<T extends { completedShots: number }>(
  lab: TempLab,
  name: string,
  shots: number,
): Promise<T> {
  return untilShown<T>(lab, name, (shown) => shown.completedShots >= shots);
}
