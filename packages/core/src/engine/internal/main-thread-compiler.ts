import { performance } from 'node:perf_hooks';
import type { Parameters } from '../../parameters/index.js';
import { compileShotParameters, type SequenceCompilation } from './sequence-compilation.js';
import type { CompiledShot, ShotCompilerBackend } from './shot-pipeline.js';

/**
 * Compiles shots on the main thread, each in its own macrotask so device I/O keeps running between
 * compilations. Used with `compileWorkers: 0`, and when a plugin cannot be loaded in a worker. The
 * compile deadline cannot be enforced here (compilers are synchronous).
 */
export class MainThreadCompiler implements ShotCompilerBackend {
  readonly threads = 0;
  private closed = false;

  constructor(private readonly compilation: SequenceCompilation) {}

  compile(index: number, parameters: Parameters): Promise<CompiledShot> {
    const submitted = performance.now();
    return new Promise<CompiledShot>((resolve, reject) => {
      setImmediate(() => {
        if (this.closed) {
          reject(new Error(`compilation of shot ${index} cancelled: the sequence is ending`));
          return;
        }
        try {
          const result = compileShotParameters(this.compilation, index, parameters);
          resolve({
            index,
            deviceParameters: result.deviceParameters,
            durationSeconds: result.durationSeconds,
            compileMs: performance.now() - submitted,
            thread: 'main',
          });
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
