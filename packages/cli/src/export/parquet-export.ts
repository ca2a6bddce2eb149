import * as arrow from 'apache-arrow';
import type { ByteSink } from './byte-sink.js';
import { arrowBatches } from './arrow-export.js';
import type { ExportPlan, ShotBatch } from './export-plan.js';

/**
 * Writes a Parquet file with parquet-wasm (the Rust `parquet` crate of Apache Arrow compiled to
 * WebAssembly), streaming: each shot batch becomes one row group, so memory stays bounded. Columns
 * are those of the Arrow export (the Arrow schema is embedded, so Arrow readers get
 * `FixedSizeList` array columns back; Parquet readers see lists); no compression (pictures barely
 * compress and it would halve the speed), no dictionaries, chunk-level statistics.
 */
export async function writeParquet(
  sink: ByteSink,
  plan: ExportPlan,
  batches: AsyncIterable<ShotBatch>,
  shotsPerBatch: number,
): Promise<void> {
  const parquet = await import('parquet-wasm/node');
  const builder = arrowBatches(plan);
  const toWasm = (batch: arrow.RecordBatch) => {
    const ipc = arrow.tableToIPC(new arrow.Table([batch]), 'stream');
    const table = parquet.Table.fromIPCStream(ipc);
    const wasmBatch = table.recordBatch(0)!;
    table.free();
    return wasmBatch;
  };
  async function* wasmBatches() {
    let any = false;
    for await (const { start, count, shots } of batches) {
      any = true;
      yield toWasm(builder.batch(start, count, shots));
    }
    // A sequence without shots: one empty batch, so the file has the schema.
    if (!any) yield toWasm(builder.batch(0, 0, []));
  }
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.UNCOMPRESSED)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(shotsPerBatch)
    .setCreatedBy('shotline (parquet-wasm)')
    .build();
  const source = ReadableStream.from(wasmBatches());
  const output = await parquet.transformParquetStream(source, properties);
  const reader = (output as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await sink.write(value);
  }
}
