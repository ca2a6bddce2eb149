import * as arrow from 'apache-arrow';
import { AsyncByteQueue } from 'apache-arrow/io/stream';
import { type ArrayEncoding, ArrowShotBatches } from '@shotline/core';
import type { ByteSink } from './byte-sink.js';
import type { ExportPlan, ShotBatch } from './export-plan.js';

/** Collects what the Arrow writer emits, so each batch's bytes can be written (and awaited) at once. */
class CollectedBytes extends AsyncByteQueue {
  chunks: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    this.chunks.push(value);
  }
  take(): Uint8Array[] {
    const chunks = this.chunks;
    this.chunks = [];
    return chunks;
  }
}

/** The Arrow record batches of an export, with the schema metadata that names the sequence. */
export function arrowBatches(plan: ExportPlan, encoding: ArrayEncoding = 'list'): ArrowShotBatches {
  return new ArrowShotBatches(
    arrow,
    plan.columns,
    plan.inline,
    { 'shotline.sequence': plan.layout.path.toString() },
    encoding,
  );
}

/**
 * Writes an Arrow IPC file (Feather v2), one record batch per shot batch: `polars.scan_ipc`,
 * `pyarrow.ipc.open_file`, `apache-arrow`'s `tableFromIPC` read it. Scalars are int64, float64,
 * bool, utf8 or timestamp[ms, UTC]; arrays `FixedSizeList<dtype>` with `shotline.dtype` and
 * `shotline.shape` in the field metadata. A sequence without shots gives the schema and no rows.
 */
export async function writeArrow(
  sink: ByteSink,
  plan: ExportPlan,
  batches: AsyncIterable<ShotBatch>,
): Promise<void> {
  const builder = arrowBatches(plan);
  const bytes = new CollectedBytes();
  const writer = new arrow.RecordBatchFileWriter();
  writer.reset(bytes, builder.schema);
  const drain = async (): Promise<void> => {
    for (const chunk of bytes.take()) await sink.write(chunk);
  };
  await drain();
  for await (const { start, count, shots } of batches) {
    writer.write(builder.batch(start, count, shots));
    await drain();
  }
  writer.finish();
  await drain();
}
