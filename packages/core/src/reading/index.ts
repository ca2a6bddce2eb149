// Reading stored sequences for analysis and export: shots one at a time (bounded memory), scalars
// as typed columns, array labels as columns of one dtype and shape, and Apache Arrow tables
// (apache-arrow is an optional peer dependency, loaded only by toArrowTable).
export * from './shot-columns.js';
export * from './array-column.js';
export * from './sequence-reader.js';
export {
  ARROW_LAYOUT,
  type ArrowModule,
  type ArrayEncoding,
  type ArrowTableOptions,
  ArrowShotBatches,
  selectColumns,
} from './arrow-shots.js';
