import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** `shotline demo --serve` in a child process: the demo's simulated lab on a temp SQLite file. */
export interface DemoServer {
  readonly url: string;
  readonly token: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

const CLI = resolve(import.meta.dirname, '..', '..', 'cli', 'dist', 'bin.js');

/**
 * Starts the built command line's `demo --serve` on an ephemeral loopback port in a temp folder and
 * waits (polling its output) for the URL and token it prints as JSON.
 */
export async function startDemoServer(timeoutMs = 120_000): Promise<DemoServer> {
  const dir = await mkdtemp(join(tmpdir(), 'shotline-web-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, '--json', 'demo', '--serve', '--dir', join(dir, 'lab'), '--listen', '127.0.0.1:0'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + timeoutMs;
  let found: { url: string; token: string } | undefined;
  while (!found) {
    try {
      found = JSON.parse(stdout) as { url: string; token: string };
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`shotline demo --serve did not start:\n${stdout}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url: found.url,
    token: found.token,
    output: () => `${stdout}\n${stderr}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
