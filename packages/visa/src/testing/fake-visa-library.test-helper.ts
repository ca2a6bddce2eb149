import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The C source of the fake VISA library shipped in `native/`. */
export const FAKE_VISA_SOURCE = fileURLToPath(new URL('../../native/fakevisa.c', import.meta.url));

/** A compiled fake VISA library in a temporary directory. */
export interface CompiledFakeVisa {
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * Compiles `native/fakevisa.c` with gcc into a fresh temporary directory. Resolves to undefined (and
 * prints why) when no C compiler is available, so the caller can skip; CI installs gcc.
 */
export async function compileFakeVisa(): Promise<CompiledFakeVisa | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'shotline-fakevisa-'));
  const path = join(dir, 'libfakevisa.so');
  try {
    await run('gcc', [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-o',
      path,
      FAKE_VISA_SOURCE,
      '-lpthread',
    ]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'ENOENT') {
      console.warn('skipping the VISA library tests: gcc is not installed (apt-get install gcc)');
      return undefined;
    }
    throw e;
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
