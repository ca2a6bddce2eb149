import koffi, { type LibraryHandle } from 'koffi';
import { DaqmxNotAvailableError, NIDAQMX_INSTALL_HINT } from './daqmx-errors.js';

/** An NI-DAQmx task handle (`TaskHandle`, an opaque pointer: a bigint through koffi). */
export type DaqmxTask = bigint;

/**
 * The NI-DAQmx C functions the NI 6738 driver calls, with their C names and argument order
 * (NIDAQmx.h). Out-parameters are one-element arrays; string outputs are buffers, and a
 * `bufferSize` of 0 asks for the size needed. Every function returns NI's status: 0 for success,
 * negative for an error (details from `DAQmxGetExtendedErrorInfo`), positive for a warning.
 * Implemented by the real library through koffi ({@link loadDaqmx}) and by the simulated card.
 */
export interface DaqmxFunctions {
  DAQmxGetSysNIDAQMajorVersion(data: [number]): number;
  DAQmxGetSysNIDAQMinorVersion(data: [number]): number;
  DAQmxGetSysDevNames(data: Buffer | null, bufferSize: number): number;
  DAQmxGetDevProductType(device: string, data: Buffer | null, bufferSize: number): number;
  DAQmxCreateTask(taskName: string, taskHandle: [DaqmxTask | null]): number;
  DAQmxClearTask(task: DaqmxTask): number;
  DAQmxCreateAOVoltageChan(
    task: DaqmxTask,
    physicalChannel: string,
    nameToAssignToChannel: string,
    minVal: number,
    maxVal: number,
    units: number,
    customScaleName: string | null,
  ): number;
  DAQmxCfgSampClkTiming(
    task: DaqmxTask,
    source: string,
    rate: number,
    activeEdge: number,
    sampleMode: number,
    sampsPerChan: number,
  ): number;
  DAQmxSetSampClkDigFltrEnable(task: DaqmxTask, data: number): number;
  DAQmxSetSampClkDigFltrMinPulseWidth(task: DaqmxTask, data: number): number;
  DAQmxWriteAnalogF64(
    task: DaqmxTask,
    numSampsPerChan: number,
    autoStart: number,
    timeout: number,
    dataLayout: number,
    writeArray: Float64Array,
    sampsPerChanWritten: [number],
    reserved: null,
  ): number;
  DAQmxStartTask(task: DaqmxTask): number;
  DAQmxIsTaskDone(task: DaqmxTask, isTaskDone: [number]): number;
  DAQmxWaitUntilTaskDone(task: DaqmxTask, timeToWait: number): number;
  DAQmxStopTask(task: DaqmxTask): number;
  DAQmxGetExtendedErrorInfo(errorString: Buffer | null, bufferSize: number): number;
}

/** A loaded NI-DAQmx: its functions, where it came from, and how to release it. */
export interface DaqmxLibrary extends DaqmxFunctions {
  /** The file loaded (or a description, for the simulated card). */
  readonly source: string;
  /** Releases the library handle. */
  unload(): void;
}

/** The NI-DAQmx major version this driver is written against (NI-DAQmx 20.0, 2020, and later). */
export const MINIMUM_DAQMX_MAJOR_VERSION = 20;

/** Environment variable naming the NI-DAQmx library when the configuration does not. */
export const NIDAQMX_LIBRARY_ENV = 'SHOTLINE_NIDAQMX_LIBRARY';

/** The file names NI-DAQmx for Linux installs its C library under. */
export const NIDAQMX_LIBRARY_NAMES = ['libnidaqmx.so', 'libnidaqmx.so.1'] as const;

const PROTOTYPES = [
  'int DAQmxGetSysNIDAQMajorVersion(_Out_ unsigned int *data)',
  'int DAQmxGetSysNIDAQMinorVersion(_Out_ unsigned int *data)',
  'int DAQmxGetSysDevNames(_Out_ char *data, unsigned int bufferSize)',
  'int DAQmxGetDevProductType(const char *device, _Out_ char *data, unsigned int bufferSize)',
  'int DAQmxCreateTask(const char *taskName, _Out_ void **taskHandle)',
  'int DAQmxClearTask(void *taskHandle)',
  'int DAQmxCreateAOVoltageChan(void *taskHandle, const char *physicalChannel, ' +
    'const char *nameToAssignToChannel, double minVal, double maxVal, int units, ' +
    'const char *customScaleName)',
  'int DAQmxCfgSampClkTiming(void *taskHandle, const char *source, double rate, ' +
    'int activeEdge, int sampleMode, uint64_t sampsPerChan)',
  'int DAQmxSetSampClkDigFltrEnable(void *taskHandle, unsigned int data)',
  'int DAQmxSetSampClkDigFltrMinPulseWidth(void *taskHandle, double data)',
  'int DAQmxWriteAnalogF64(void *taskHandle, int numSampsPerChan, unsigned int autoStart, ' +
    'double timeout, unsigned int dataLayout, const double *writeArray, ' +
    '_Out_ int *sampsPerChanWritten, unsigned int *reserved)',
  'int DAQmxStartTask(void *taskHandle)',
  'int DAQmxIsTaskDone(void *taskHandle, _Out_ unsigned int *isTaskDone)',
  'int DAQmxWaitUntilTaskDone(void *taskHandle, double timeToWait)',
  'int DAQmxStopTask(void *taskHandle)',
  'int DAQmxGetExtendedErrorInfo(_Out_ char *errorString, unsigned int bufferSize)',
] as const;

/**
 * The library to load: `configured` (a path or a file name), else the environment variable
 * `SHOTLINE_NIDAQMX_LIBRARY`, else NI's file names in the loader's search path.
 */
export function daqmxLibraryCandidates(configured: string | undefined): readonly string[] {
  if (configured !== undefined && configured !== '') return [configured];
  const fromEnvironment = process.env[NIDAQMX_LIBRARY_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return [fromEnvironment];
  return NIDAQMX_LIBRARY_NAMES;
}

/**
 * Loads NI-DAQmx's C library through koffi and binds the driver's functions. Called when an NI
 * device opens, never at import: a machine without NI-DAQmx can compile sequences.
 * @throws DaqmxNotAvailableError naming the library and the package to install when it cannot be
 * loaded, or lacks one of the functions (an NI-DAQmx older than the driver needs).
 */
export function loadDaqmx(configured?: string): DaqmxLibrary {
  const candidates = daqmxLibraryCandidates(configured);
  const failures: string[] = [];
  let handle: LibraryHandle | undefined;
  let path = '';
  for (const candidate of candidates) {
    try {
      handle = koffi.load(candidate);
      path = candidate;
      break;
    } catch (e) {
      failures.push(`${candidate}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (handle === undefined) {
    throw new DaqmxNotAvailableError(
      `cannot load NI-DAQmx (${failures.join('; ')}): ${NIDAQMX_INSTALL_HINT}`,
      { location: { resource: candidates.join(', ') } },
    );
  }
  const functions: Record<string, unknown> = {};
  for (const prototype of PROTOTYPES) {
    const name = /(\w+)\(/.exec(prototype)![1]!;
    try {
      functions[name] = handle.func(prototype);
    } catch (e) {
      handle.unload();
      throw new DaqmxNotAvailableError(
        `"${path}" has no ${name}: it is not NI-DAQmx, or an NI-DAQmx older than ` +
          `${MINIMUM_DAQMX_MAJOR_VERSION}.0; ${NIDAQMX_INSTALL_HINT}`,
        { cause: e, location: { resource: path } },
      );
    }
  }
  const loaded = handle;
  return {
    ...(functions as unknown as DaqmxFunctions),
    source: path,
    unload: () => loaded.unload(),
  };
}
