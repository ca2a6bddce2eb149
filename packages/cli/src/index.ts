// Public API of @shotline/cli: the `shotline` program, and the pieces other tools reuse (lab
// configuration, sequence and globals files, export).
export * from './cli-errors.js';
export { main, USAGE_EXIT_CODE } from './cli-program.js';
export * from './lab/lab-config.js';
export { Lab, locateLab, readLabConfig, type LabLocation, type OpenLabOptions } from './lab/lab.js';
export { parseStorageUrl, openStorage, type StorageTarget } from './lab/storage-url.js';
export { SourceDocument, formatDocumentPath, type DocumentPath } from './input/source-document.js';
export {
  parseSequenceFile,
  formatSequenceFile,
  sequenceToFileValue,
  type SequenceDefinition,
} from './sequence-file/sequence-file.js';
export { parseGlobalsFile, formatGlobalsFile, globalsToFileValue } from './globals/globals-file.js';
export {
  EXPORT_FORMATS,
  ARRAY_MODES,
  exportSettings,
  type ExportFormat,
  type ArrayMode,
  type ExportSettings,
} from './export/export-format.js';
export {
  exportSequence,
  arraysFolderOf,
  type ExportDestination,
  type ExportSummary,
} from './export/sequence-export.js';
export { HDF5_LAYOUT } from './export/hdf5-export.js';
export { runSequence, type RunSummary, type RunSequenceOptions } from './run/run-sequence.js';
