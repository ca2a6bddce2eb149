import type { WriteOperation } from '../session-database.js';
import type { ChunkWriter } from './chunk-writer.js';

/**
 * Runs one write operation with what chunk files need around it (the writer's one hook): shot writes
 * put their large arrays in chunk files first, deletes and resets remove the chunk files they leave
 * unreferenced. Other operations, and storages without chunk files, just `run`.
 */
export function withChunkFiles<T extends { ok: boolean }>(
  chunks: ChunkWriter | undefined,
  op: WriteOperation,
  args: readonly unknown[],
  run: () => T,
): T {
  if (chunks === undefined) return run();
  if (op === 'createShots') return chunks.storingShots([args], run);
  if (op === 'deletePath' || op === 'resetToDraft') return chunks.deleting(args[0] as string, run);
  return run();
}
