import koffi, { type LibraryHandle } from 'koffi';
import { DcamApiNotAvailableError } from './dcam-errors.js';

/** A DCAM handle (`HDCAM`, `HDCAMWAIT`): an opaque pointer (a bigint through koffi). */
export type DcamHandle = unknown;

/** `DCAMAPI_INIT`. */
export interface DcamApiInit {
  size: number;
  iDeviceCount: number;
  reserved: number;
  initoptionbytes: number;
  initoption: null;
  guid: null;
}

/** `DCAMDEV_OPEN`. */
export interface DcamDevOpen {
  size: number;
  index: number;
  hdcam: DcamHandle;
}

/** `DCAMDEV_STRING`: `text` is a buffer of `textbytes` bytes the library writes into. */
export interface DcamDevString {
  size: number;
  iString: number;
  text: Buffer;
  textbytes: number;
}

/** `DCAMPROP_ATTR` (the members the driver reads). */
export interface DcamPropAttr {
  cbSize: number;
  iProp: number;
  option: number;
  iReserved1: number;
  attribute: number;
  iGroup: number;
  iUnit: number;
  attribute2: number;
  valuemin: number;
  valuemax: number;
  valuestep: number;
  valuedefault: number;
  nMaxChannel: number;
  iReserved3: number;
  nMaxView: number;
  iProp_NumberOfElement: number;
  iProp_ArrayBase: number;
  iPropStep_Element: number;
}

/** `DCAMBUF_FRAME`: `buf` is the buffer `dcambuf_copyframe` copies the frame into. */
export interface DcamBufFrame {
  size: number;
  iKind: number;
  option: number;
  iFrame: number;
  buf: Buffer;
  rowbytes: number;
  type: number;
  width: number;
  height: number;
  left: number;
  top: number;
  timestampSec: number;
  timestampMicrosec: number;
  framestamp: number;
  camerastamp: number;
}

/** `DCAMCAP_TRANSFERINFO`. */
export interface DcamCapTransferInfo {
  size: number;
  iKind: number;
  nNewestFrameIndex: number;
  nFrameCount: number;
}

/** `DCAMWAIT_OPEN`. */
export interface DcamWaitOpen {
  size: number;
  supportevent: number;
  hwait: DcamHandle;
  hdcam: DcamHandle;
}

/** `DCAMWAIT_START`. */
export interface DcamWaitStart {
  size: number;
  eventhappened: number;
  eventmask: number;
  timeout: number;
}

/**
 * The DCAM-API functions the ORCA-Quest driver calls, with their C names and arguments
 * (dcamapi4.h). Structures are objects the call fills in (their `size` must be the C size, see
 * {@link DCAM_STRUCT_SIZES}); every function returns a `DCAMERR` (negative: failure).
 * `dcamwait_start` blocks, so it runs off the event loop and returns a promise. Implemented by the
 * real library through koffi ({@link loadDcamApi}) and by the simulated camera.
 */
export interface DcamFunctions {
  dcamapi_init(param: DcamApiInit): number;
  dcamapi_uninit(): number;
  dcamdev_open(param: DcamDevOpen): number;
  dcamdev_close(hdcam: DcamHandle): number;
  dcamdev_getstring(hdcam: DcamHandle, param: DcamDevString): number;
  dcamprop_getattr(hdcam: DcamHandle, param: DcamPropAttr): number;
  dcamprop_getvalue(hdcam: DcamHandle, iProp: number, value: [number]): number;
  dcamprop_setvalue(hdcam: DcamHandle, iProp: number, value: number): number;
  dcambuf_alloc(hdcam: DcamHandle, framecount: number): number;
  dcambuf_release(hdcam: DcamHandle, iKind: number): number;
  dcambuf_copyframe(hdcam: DcamHandle, param: DcamBufFrame): number;
  dcamcap_start(hdcam: DcamHandle, mode: number): number;
  dcamcap_stop(hdcam: DcamHandle): number;
  dcamcap_transferinfo(hdcam: DcamHandle, param: DcamCapTransferInfo): number;
  dcamwait_open(param: DcamWaitOpen): number;
  dcamwait_close(hwait: DcamHandle): number;
  dcamwait_start(hwait: DcamHandle, param: DcamWaitStart): Promise<number>;
  dcamwait_abort(hwait: DcamHandle): number;
}

/** A loaded DCAM-API and where it came from. */
export interface DcamLibrary extends DcamFunctions {
  /** The file loaded (or a description, for the simulated camera). */
  readonly source: string;
}

const INT = 'int32_t';
// koffi type names are global: prefixed so they cannot clash with another binding's.
const STRUCTS = {
  init: koffi.struct('ShotlineDCAMAPI_INIT', {
    size: INT,
    iDeviceCount: INT,
    reserved: INT,
    initoptionbytes: INT,
    initoption: 'void *',
    guid: 'void *',
  }),
  open: koffi.struct('ShotlineDCAMDEV_OPEN', { size: INT, index: INT, hdcam: 'void *' }),
  string: koffi.struct('ShotlineDCAMDEV_STRING', {
    size: INT,
    iString: INT,
    text: 'void *',
    textbytes: INT,
  }),
  attr: koffi.struct('ShotlineDCAMPROP_ATTR', {
    cbSize: INT,
    iProp: INT,
    option: INT,
    iReserved1: INT,
    attribute: INT,
    iGroup: INT,
    iUnit: INT,
    attribute2: INT,
    valuemin: 'double',
    valuemax: 'double',
    valuestep: 'double',
    valuedefault: 'double',
    nMaxChannel: INT,
    iReserved3: INT,
    nMaxView: INT,
    iProp_NumberOfElement: INT,
    iProp_ArrayBase: INT,
    iPropStep_Element: INT,
  }),
  frame: koffi.struct('ShotlineDCAMBUF_FRAME', {
    size: INT,
    iKind: INT,
    option: INT,
    iFrame: INT,
    buf: 'void *',
    rowbytes: INT,
    type: INT,
    width: INT,
    height: INT,
    left: INT,
    top: INT,
    timestampSec: 'uint32_t',
    timestampMicrosec: INT,
    framestamp: INT,
    camerastamp: INT,
  }),
  transfer: koffi.struct('ShotlineDCAMCAP_TRANSFERINFO', {
    size: INT,
    iKind: INT,
    nNewestFrameIndex: INT,
    nFrameCount: INT,
  }),
  waitOpen: koffi.struct('ShotlineDCAMWAIT_OPEN', {
    size: INT,
    supportevent: INT,
    hwait: 'void *',
    hdcam: 'void *',
  }),
  waitStart: koffi.struct('ShotlineDCAMWAIT_START', {
    size: INT,
    eventhappened: INT,
    eventmask: INT,
    timeout: INT,
  }),
};

/** The C sizes of the DCAM structures (the `size` member of each). */
export const DCAM_STRUCT_SIZES = Object.freeze({
  init: koffi.sizeof(STRUCTS.init),
  open: koffi.sizeof(STRUCTS.open),
  string: koffi.sizeof(STRUCTS.string),
  attr: koffi.sizeof(STRUCTS.attr),
  frame: koffi.sizeof(STRUCTS.frame),
  transfer: koffi.sizeof(STRUCTS.transfer),
  waitOpen: koffi.sizeof(STRUCTS.waitOpen),
  waitStart: koffi.sizeof(STRUCTS.waitStart),
});

const PROTOTYPES = [
  'int32_t dcamapi_init(_Inout_ ShotlineDCAMAPI_INIT *param)',
  'int32_t dcamapi_uninit(void)',
  'int32_t dcamdev_open(_Inout_ ShotlineDCAMDEV_OPEN *param)',
  'int32_t dcamdev_close(void *hdcam)',
  'int32_t dcamdev_getstring(void *hdcam, _Inout_ ShotlineDCAMDEV_STRING *param)',
  'int32_t dcamprop_getattr(void *hdcam, _Inout_ ShotlineDCAMPROP_ATTR *param)',
  'int32_t dcamprop_getvalue(void *hdcam, int32_t iProp, _Out_ double *pValue)',
  'int32_t dcamprop_setvalue(void *hdcam, int32_t iProp, double fValue)',
  'int32_t dcambuf_alloc(void *hdcam, int32_t framecount)',
  'int32_t dcambuf_release(void *hdcam, int32_t iKind)',
  'int32_t dcambuf_copyframe(void *hdcam, _Inout_ ShotlineDCAMBUF_FRAME *param)',
  'int32_t dcamcap_start(void *hdcam, int32_t mode)',
  'int32_t dcamcap_stop(void *hdcam)',
  'int32_t dcamcap_transferinfo(void *hdcam, _Inout_ ShotlineDCAMCAP_TRANSFERINFO *param)',
  'int32_t dcamwait_open(_Inout_ ShotlineDCAMWAIT_OPEN *param)',
  'int32_t dcamwait_close(void *hwait)',
  'int32_t dcamwait_start(void *hwait, _Inout_ ShotlineDCAMWAIT_START *param)',
  'int32_t dcamwait_abort(void *hwait)',
] as const;

/** Environment variable naming the DCAM-API library when the configuration does not. */
export const DCAMAPI_LIBRARY_ENV = 'SHOTLINE_DCAMAPI_LIBRARY';

/** Where Hamamatsu's DCAM-API for Linux installs its library. */
export const DCAMAPI_LIBRARY_NAMES = ['libdcamapi.so', '/usr/local/lib/libdcamapi.so'] as const;

/** What to tell a lab to install when DCAM-API is missing. */
export const DCAMAPI_INSTALL_HINT =
  "install Hamamatsu DCAM-API for Linux (with the driver of the camera's interface, from " +
  'https://dcam-api.com) or set "libraryPath" (or SHOTLINE_DCAMAPI_LIBRARY) to libdcamapi.so';

/** The libraries to try: `configured`, else `SHOTLINE_DCAMAPI_LIBRARY`, else DCAM-API's names. */
export function dcamLibraryCandidates(configured: string | undefined): readonly string[] {
  if (configured !== undefined && configured !== '') return [configured];
  const fromEnvironment = process.env[DCAMAPI_LIBRARY_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return [fromEnvironment];
  return DCAMAPI_LIBRARY_NAMES;
}

// A shared library is loaded once per process, and DCAM-API keeps process-wide state
// (dcamapi_init): one binding per file, shared by every camera of the process.
const LOADED = new Map<string, DcamLibrary>();

function bind(path: string, handle: LibraryHandle): DcamLibrary {
  const functions: Record<string, unknown> = {};
  for (const prototype of PROTOTYPES) {
    const name = /(\w+)\(/.exec(prototype)![1]!;
    try {
      functions[name] = handle.func(prototype);
    } catch (e) {
      throw new DcamApiNotAvailableError(
        `"${path}" has no ${name}: it is not DCAM-API 4 (or too old); ${DCAMAPI_INSTALL_HINT}`,
        { cause: e, location: { resource: path } },
      );
    }
  }
  const waitStart = functions.dcamwait_start as ReturnType<LibraryHandle['func']>;
  return {
    ...(functions as unknown as DcamFunctions),
    source: path,
    // Blocks up to its timeout: on a koffi worker thread, never on the event loop.
    dcamwait_start: (hwait, param) =>
      new Promise<number>((resolve, reject) => {
        waitStart.async(hwait, param, (failure: unknown, status: number) => {
          if (failure) reject(failure as Error);
          else resolve(status);
        });
      }),
  };
}

/**
 * Loads Hamamatsu's DCAM-API through koffi (once per file and process). Called when a camera opens,
 * never at import.
 * @throws DcamApiNotAvailableError naming the library and what to install when it cannot be loaded
 * or lacks a function.
 */
export function loadDcamApi(configured?: string): DcamLibrary {
  const candidates = dcamLibraryCandidates(configured);
  const failures: string[] = [];
  for (const candidate of candidates) {
    const cached = LOADED.get(candidate);
    if (cached !== undefined) return cached;
    let handle: LibraryHandle;
    try {
      handle = koffi.load(candidate);
    } catch (e) {
      failures.push(`${candidate}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const library = bind(candidate, handle);
    LOADED.set(candidate, library);
    return library;
  }
  throw new DcamApiNotAvailableError(
    `cannot load DCAM-API (${failures.join('; ')}): ${DCAMAPI_INSTALL_HINT}`,
    { location: { resource: candidates.join(', ') } },
  );
}
