import { RecoverableError } from '@shotline/core';

/** A command line that cannot be acted on: a bad option value, a missing argument. */
export class CliUsageError extends RecoverableError {
  static override readonly code: string = 'CLI_USAGE';
}

/** No lab configuration was found, or it is not a valid one. Names the file and position. */
export class LabConfigError extends RecoverableError {
  static override readonly code: string = 'LAB_CONFIG';
}

/** A YAML or JSON input file (sequence, globals, device configuration) that cannot be read. */
export class InputFileError extends RecoverableError {
  static override readonly code: string = 'INPUT_FILE';
}

/**
 * A sequence needs a device type no loaded plugin provides. Raised before anything is opened; names
 * the device, the type and the package that probably provides it.
 */
export class MissingDevicePluginError extends RecoverableError {
  static override readonly code: string = 'MISSING_DEVICE_PLUGIN';
}

/** A sequence run ended INTERRUPTED (Ctrl-C). Not a failure of shotline; the exit code says so. */
export class RunInterruptedError extends RecoverableError {
  static override readonly code: string = 'RUN_INTERRUPTED';
}

/** Exporting shots failed: an unknown format, or a file that cannot be written. */
export class ExportError extends RecoverableError {
  static override readonly code: string = 'EXPORT';
}

/** The demo cannot run (a simulator failed to start, a package is missing). */
export class DemoError extends RecoverableError {
  static override readonly code: string = 'DEMO';
}
