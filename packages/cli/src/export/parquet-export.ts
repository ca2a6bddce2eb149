import * as arrow from 'apache-arrow';
import type { ArrayEncoding } from '@shotline/core';
import type { ByteSink } from './byte-sink.js';
import { arrowBatches } from './arrow-export.js';
import type { ExportPlan, ShotBatch } from './export-plan.js';

/**
 * Writes a Parquet file with parquet-wasm (the Rust `parquet` crate of Apache Arrow compiled to
 * WebAssembly), streaming: each shot batch becomes one row group, so memory stays bounded. The
 * columns are those of the Arrow export: arrays as lists of numbers by default (Parquet has no 8-
 * or 16-bit integers, so a uint16 picture is stored as 32-bit integers, and list levels are encoded
 * value by value: slow), or with `--parquet-arrays bytes` as a fixed-size binary value per shot
 * holding the array's little-endian C-order bytes (`numpy.frombuffer(value, dtype).reshape(shape)`,
 * dtype and shape in the field metadata), about four times faster and half the size. No
 * compression (pictures barely compress), no dictionaries, statistics for the scalar columns.
 */
export async function writeParquet(
  sink: ByteSink,
  plan: ExportPlan,
  batches: AsyncIterable<ShotBatch>,
  shotsPerBatch: number,
  encoding: ArrayEncoding,
): Promise<void> {
  const parquet = await import('parquet-wasm/node');
  const builder = arrowBatches(plan, encoding);
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
  let properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.UNCOMPRESSED)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(shotsPerBatch)
    .setCreatedBy('shotline (parquet-wasm)');
  // Min/max of picture bytes help no query and cost time.
  for (const column of plan.inline) {
    properties = properties.setColumnStatisticsEnabled(
      column.label,
      parquet.EnabledStatistics.None,
    );
  }
  const source = ReadableStream.from(wasmBatches());
  const output = await parquet.transformParquetStream(source, properties.build());
  const reader = (output as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await sink.write(value);
  }
}
