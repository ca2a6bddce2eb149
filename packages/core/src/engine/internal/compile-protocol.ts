import type { ErrorSummary } from '../../errors/index.js';
import type { TypedParametersJson } from '../../parameters/index.js';
import type { SequenceCompilationInput } from './sequence-compilation.js';

/** A plugin a compile worker must load: its name and a module URL Node can import. */
export interface WorkerPlugin {
  readonly name: string;
  readonly version?: string;
  readonly moduleUrl: string;
}

/** `workerData` of a compile worker: everything to rebuild the compilers, once per sequence. */
export interface CompileWorkerSetup {
  readonly plugins: readonly WorkerPlugin[];
  readonly sequence: SequenceCompilationInput;
}

/** One shot to compile. */
export interface CompileRequest {
  readonly id: number;
  readonly index: number;
  readonly parameters: TypedParametersJson;
}

/**
 * Main thread -> worker: shots to compile in order. Several shots travel in one message when they
 * queued up, so the worker is woken once for all of them; results come back one message per shot.
 */
export interface CompileBatch {
  readonly kind: 'compile';
  readonly requests: readonly CompileRequest[];
}

/** Worker -> main thread. */
export type CompileWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'setup-failed'; readonly error: ErrorSummary }
  | {
      readonly kind: 'compiled';
      readonly id: number;
      readonly durationSeconds: number;
      /** [device name, encoded shot parameters] (see encodeForTransfer). */
      readonly deviceParameters: readonly (readonly [string, unknown])[];
    }
  | { readonly kind: 'compile-failed'; readonly id: number; readonly error: ErrorSummary };
