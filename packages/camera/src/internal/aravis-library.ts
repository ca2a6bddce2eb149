import { promisify } from 'node:util';
import koffi, { type LibraryHandle } from 'koffi';
import type { Roi, SensorSize } from '../roi.js';

/** A GObject pointer as koffi 3 returns it. Never dereferenced in JS. */
export type GPointer = bigint;

/** `ArvBufferStatus` names, indexed by value + 1 (`UNKNOWN` is -1). */
const BUFFER_STATUS = [
  'unknown',
  'success',
  'cleared',
  'timeout',
  'missing packets',
  'wrong packet id',
  'size mismatch',
  'filling',
  'aborted',
  'payload not supported',
] as const;

/** `ArvBufferStatus` value of a complete frame. */
export const BUFFER_STATUS_SUCCESS = 0;

/** The name of an `ArvBufferStatus` value. */
export function bufferStatusName(status: number): string {
  return BUFFER_STATUS[status + 1] ?? `status ${status}`;
}

/** `ArvDeviceError` codes that mean the device is gone or not answering. */
const DEVICE_ERROR_LOST = new Set([
  2, // NOT_CONNECTED
  3, // PROTOCOL_ERROR
  4, // TRANSFER_ERROR
  5, // TIMEOUT
]);

/** A failed Aravis call: the `GError` it reported. */
export class AravisCallError extends Error {
  constructor(
    /** The C function, e.g. `arv_camera_new`. */
    readonly call: string,
    /** The GError domain, e.g. `arv-device-error-quark`. */
    readonly domain: string,
    readonly code: number,
    readonly detail: string,
  ) {
    super(`${call}: ${detail} (${domain} ${code})`);
    this.name = 'AravisCallError';
  }

  /** True if the error says the device is gone or stopped answering (not a bad setting). */
  get deviceLost(): boolean {
    return this.domain === 'arv-device-error-quark' && DEVICE_ERROR_LOST.has(this.code);
  }
}

/** Where the Aravis shared libraries are looked up by default on each platform. */
function defaultLibraryNames(): { aravis: string; gobject: string; glib: string } {
  if (process.platform === 'darwin') {
    return {
      aravis: 'libaravis-0.8.0.dylib',
      gobject: 'libgobject-2.0.0.dylib',
      glib: 'libglib-2.0.0.dylib',
    };
  }
  return {
    aravis: 'libaravis-0.8.so.0',
    gobject: 'libgobject-2.0.so.0',
    glib: 'libglib-2.0.so.0',
  };
}

// koffi's function type is untyped (`any` arguments and results): every call below is wrapped in a
// typed method whose result is cast, and the raw functions never leave this file.
type RawFunction = ReturnType<LibraryHandle['func']>;

const GErrorStruct = koffi.struct('ShotlineGError', {
  domain: 'uint32_t',
  code: 'int',
  message: 'const char *',
});

interface DecodedGError {
  domain: number;
  code: number;
  message: string | null;
}

/**
 * A typed binding of the part of libaravis-0.8 (and GObject) that shotline uses, loaded through
 * koffi. Every method that takes a `GError **` throws {@link AravisCallError} when the call fails.
 * Blocking calls that wait for frames have promise versions that run on koffi's worker threads.
 *
 * Aravis is thread-safe for what is used here: control calls on the main thread, buffer pops on a
 * worker thread, and the stream's own receiving thread.
 */
export class AravisLibrary {
  private readonly fn: Record<string, RawFunction> = {};

  private constructor(
    readonly path: string,
    aravis: LibraryHandle,
    gobject: LibraryHandle,
    glib: LibraryHandle,
  ) {
    const declare = (lib: LibraryHandle, prototypes: string[]): void => {
      for (const prototype of prototypes) {
        const name = /([a-z_0-9]+)\s*\(/.exec(prototype)![1]!;
        this.fn[name] = lib.func(prototype);
      }
    };
    declare(aravis, [
      'void arv_enable_interface(const char *interface_id)',
      'void arv_update_device_list(void)',
      'unsigned int arv_get_n_devices(void)',
      'const char *arv_get_device_id(unsigned int index)',
      'void *arv_camera_new(const char *name, _Out_ void **error)',
      'void *arv_camera_get_device(void *camera)',
      'const char *arv_camera_get_model_name(void *camera, _Out_ void **error)',
      'void arv_camera_get_sensor_size(void *camera, _Out_ int *width, _Out_ int *height, _Out_ void **error)',
      'void arv_camera_set_region(void *camera, int x, int y, int width, int height, _Out_ void **error)',
      'void arv_camera_get_region(void *camera, _Out_ int *x, _Out_ int *y, _Out_ int *width, _Out_ int *height, _Out_ void **error)',
      'void arv_camera_set_pixel_format_from_string(void *camera, const char *format, _Out_ void **error)',
      'const char *arv_camera_get_pixel_format_as_string(void *camera, _Out_ void **error)',
      'void arv_camera_set_exposure_time(void *camera, double exposure_us, _Out_ void **error)',
      'double arv_camera_get_exposure_time(void *camera, _Out_ void **error)',
      'void arv_camera_get_exposure_time_bounds(void *camera, _Out_ double *min, _Out_ double *max, _Out_ void **error)',
      'void arv_camera_set_acquisition_mode(void *camera, int mode, _Out_ void **error)',
      'void arv_camera_set_trigger(void *camera, const char *source, _Out_ void **error)',
      'void arv_camera_clear_triggers(void *camera, _Out_ void **error)',
      'void arv_camera_software_trigger(void *camera, _Out_ void **error)',
      'void *arv_camera_create_stream(void *camera, void *callback, void *user_data, _Out_ void **error)',
      'unsigned int arv_camera_get_payload(void *camera, _Out_ void **error)',
      'void arv_camera_start_acquisition(void *camera, _Out_ void **error)',
      'void arv_camera_stop_acquisition(void *camera, _Out_ void **error)',
      'void *arv_buffer_new(size_t size, void *preallocated)',
      'void arv_stream_push_buffer(void *stream, void *buffer)',
      'void *arv_stream_try_pop_buffer(void *stream)',
      'void *arv_stream_timeout_pop_buffer(void *stream, uint64_t timeout_us)',
      'void arv_stream_get_n_buffers(void *stream, _Out_ int *n_input, _Out_ int *n_output)',
      'int arv_buffer_get_status(void *buffer)',
      'const void *arv_buffer_get_data(void *buffer, _Out_ size_t *size)',
      'int arv_buffer_get_image_width(void *buffer)',
      'int arv_buffer_get_image_height(void *buffer)',
      'uint32_t arv_buffer_get_image_pixel_format(void *buffer)',
      'void *arv_fake_device_get_fake_camera(void *device)',
      'void arv_fake_camera_set_trigger_frequency(void *camera, double frequency)',
    ]);
    declare(gobject, ['void g_object_unref(void *object)']);
    declare(glib, [
      'void g_error_free(void *error)',
      'const char *g_quark_to_string(uint32_t quark)',
    ]);
  }

  /**
   * Loads libaravis-0.8 (and GObject/GLib, its dependencies). Throws the loader's error when the
   * library is not installed. The loaded binding is shared by every camera of the process (a shared
   * library is loaded once per process anyway, and never unloaded: GLib types cannot be).
   */
  static load(path?: string): AravisLibrary {
    const names = defaultLibraryNames();
    const key = path ?? names.aravis;
    let library = LOADED.get(key);
    if (library === undefined) {
      const aravis = koffi.load(key);
      library = new AravisLibrary(key, aravis, koffi.load(names.gobject), koffi.load(names.glib));
      LOADED.set(key, library);
    }
    return library;
  }

  /** Calls `name` with a trailing `GError **` and throws if it failed. */
  private call<T>(name: string, ...args: unknown[]): T {
    const error: [GPointer | null] = [null];
    const result = this.fn[name]!(...args, error) as T;
    if (error[0] !== null) this.raise(name, error[0]);
    return result;
  }

  /** {@link call} on a koffi worker thread, for calls that may block (discovery, connection). */
  private async callAsync<T>(name: string, ...args: unknown[]): Promise<T> {
    const error: [GPointer | null] = [null];
    const fn = this.fn[name]!;
    const result = await new Promise<T>((resolve, reject) => {
      fn.async(...args, error, (failure: unknown, value: T) => {
        if (failure) reject(failure as Error);
        else resolve(value);
      });
    });
    if (error[0] !== null) this.raise(name, error[0]);
    return result;
  }

  private raise(name: string, errorPointer: GPointer): never {
    const decoded = koffi.decode(errorPointer, GErrorStruct) as DecodedGError;
    const domain = (this.fn.g_quark_to_string!(decoded.domain) as string | null) ?? 'unknown';
    this.fn.g_error_free!(errorPointer);
    throw new AravisCallError(name, domain, decoded.code, decoded.message ?? 'unknown error');
  }

  /** Makes an interface (`Fake`, `GigEVision`, `USB3Vision`) available for discovery. */
  enableInterface(id: string): void {
    this.fn.arv_enable_interface!(id);
  }

  /** The ids of the cameras Aravis finds now (discovery takes up to a few seconds). */
  async deviceIds(): Promise<string[]> {
    await new Promise<void>((resolve, reject) => {
      this.fn.arv_update_device_list!.async((failure: unknown) => {
        if (failure) reject(failure as Error);
        else resolve();
      });
    });
    const n = this.fn.arv_get_n_devices!() as number;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.fn.arv_get_device_id!(i) as string | null;
      if (id !== null) ids.push(id);
    }
    return ids;
  }

  /**
   * Opens a camera by device id (`arv_camera_new`, on a worker thread: it may take seconds). The
   * caller owns the reference.
   */
  async cameraNew(deviceId: string): Promise<GPointer> {
    const camera = await this.callAsync<GPointer | null>('arv_camera_new', deviceId);
    if (camera === null) throw new AravisCallError('arv_camera_new', 'shotline', 0, 'no camera');
    return camera;
  }

  modelName(camera: GPointer): string {
    return this.call<string | null>('arv_camera_get_model_name', camera) ?? 'unknown model';
  }

  sensorSize(camera: GPointer): SensorSize {
    const width = [0];
    const height = [0];
    this.call('arv_camera_get_sensor_size', camera, width, height);
    return { width: width[0]!, height: height[0]! };
  }

  setRegion(camera: GPointer, roi: Roi): void {
    this.call('arv_camera_set_region', camera, roi.x, roi.y, roi.width, roi.height);
  }

  region(camera: GPointer): Roi {
    const [x, y, width, height] = [[0], [0], [0], [0]];
    this.call('arv_camera_get_region', camera, x, y, width, height);
    return { x: x[0]!, y: y[0]!, width: width[0]!, height: height[0]! };
  }

  setPixelFormat(camera: GPointer, format: string): void {
    this.call('arv_camera_set_pixel_format_from_string', camera, format);
  }

  pixelFormat(camera: GPointer): string {
    return this.call<string | null>('arv_camera_get_pixel_format_as_string', camera) ?? '';
  }

  /** Sets the exposure time in microseconds. */
  setExposureTime(camera: GPointer, microseconds: number): void {
    this.call('arv_camera_set_exposure_time', camera, microseconds);
  }

  /** The exposure time in microseconds. */
  exposureTime(camera: GPointer): number {
    return this.call<number>('arv_camera_get_exposure_time', camera);
  }

  /** The allowed exposure times, in microseconds. */
  exposureTimeBounds(camera: GPointer): { min: number; max: number } {
    const min = [0];
    const max = [0];
    this.call('arv_camera_get_exposure_time_bounds', camera, min, max);
    return { min: min[0]!, max: max[0]! };
  }

  /** `ARV_ACQUISITION_MODE_CONTINUOUS`. */
  setContinuousAcquisition(camera: GPointer): void {
    this.call('arv_camera_set_acquisition_mode', camera, 0);
  }

  /** Frame-start trigger from `source` (`Software`, `Line1`...), rising edge. */
  setTrigger(camera: GPointer, source: string): void {
    this.call('arv_camera_set_trigger', camera, source);
  }

  clearTriggers(camera: GPointer): void {
    this.call('arv_camera_clear_triggers', camera);
  }

  softwareTrigger(camera: GPointer): void {
    this.call('arv_camera_software_trigger', camera);
  }

  /** Creates the camera's stream (no callback). The caller owns the reference. */
  createStream(camera: GPointer): GPointer {
    const stream = this.call<GPointer | null>('arv_camera_create_stream', camera, null, null);
    if (stream === null) {
      throw new AravisCallError('arv_camera_create_stream', 'shotline', 0, 'no stream');
    }
    return stream;
  }

  /** Bytes of one frame with the current settings. */
  payload(camera: GPointer): number {
    return this.call<number>('arv_camera_get_payload', camera);
  }

  startAcquisition(camera: GPointer): void {
    this.call('arv_camera_start_acquisition', camera);
  }

  stopAcquisition(camera: GPointer): void {
    this.call('arv_camera_stop_acquisition', camera);
  }

  /** A new buffer of `size` bytes, owned by the caller until pushed to a stream. */
  newBuffer(size: number): GPointer {
    return this.fn.arv_buffer_new!(size, null) as GPointer;
  }

  /** Gives a buffer to the stream (which owns it until it is popped). */
  pushBuffer(stream: GPointer, buffer: GPointer): void {
    this.fn.arv_stream_push_buffer!(stream, buffer);
  }

  /** A filled buffer if one is waiting, else null. The caller owns it. */
  tryPopBuffer(stream: GPointer): GPointer | null {
    return this.fn.arv_stream_try_pop_buffer!(stream) as GPointer | null;
  }

  /**
   * Waits up to `timeoutUs` microseconds for a filled buffer, on a koffi worker thread; null when
   * none came. The caller owns the buffer.
   */
  popBuffer(stream: GPointer, timeoutUs: number): Promise<GPointer | null> {
    return popAsync(this.fn.arv_stream_timeout_pop_buffer!, stream, timeoutUs);
  }

  /** Buffers waiting to be filled, and filled buffers waiting to be popped. */
  streamBufferCounts(stream: GPointer): { input: number; output: number } {
    const input = [0];
    const output = [0];
    this.fn.arv_stream_get_n_buffers!(stream, input, output);
    return { input: input[0]!, output: output[0]! };
  }

  bufferStatus(buffer: GPointer): number {
    return this.fn.arv_buffer_get_status!(buffer) as number;
  }

  /** The image a buffer holds, copied out of native memory. */
  bufferImage(buffer: GPointer): {
    width: number;
    height: number;
    pixelFormat: number;
    bytes: Uint8Array;
  } {
    const size: [number | bigint] = [0];
    const data = this.fn.arv_buffer_get_data!(buffer, size) as GPointer | null;
    const length = Number(size[0]);
    const bytes =
      data === null || length === 0
        ? new Uint8Array(0)
        : new Uint8Array(koffi.view(data, length).slice(0));
    return {
      width: this.fn.arv_buffer_get_image_width!(buffer) as number,
      height: this.fn.arv_buffer_get_image_height!(buffer) as number,
      pixelFormat: this.fn.arv_buffer_get_image_pixel_format!(buffer) as number,
      bytes,
    };
  }

  /** Drops a reference to a GObject (camera, stream, buffer). */
  unref(object: GPointer): void {
    this.fn.g_object_unref!(object);
  }

  /**
   * The simulated camera inside a device of Aravis's `Fake` interface, or null for other devices.
   * Test support: it lets tests change how often the fake camera's internal trigger fires.
   */
  fakeCameraOf(camera: GPointer, deviceId: string): GPointer | null {
    if (!deviceId.startsWith('Fake_')) return null;
    const device = this.fn.arv_camera_get_device!(camera) as GPointer | null;
    return device === null ? null : (this.fn.arv_fake_device_get_fake_camera!(device) as GPointer);
  }

  /** Sets how often a fake camera's simulated trigger input fires in trigger mode (Hz). */
  setFakeTriggerFrequency(fakeCamera: GPointer, hertz: number): void {
    this.fn.arv_fake_camera_set_trigger_frequency!(fakeCamera, hertz);
  }
}

function popAsync(fn: RawFunction, stream: GPointer, timeoutUs: number): Promise<GPointer | null> {
  const call = promisify(
    (s: GPointer, us: number, done: (error: unknown, result: GPointer | null) => void) => {
      fn.async(s, us, done);
    },
  );
  return call(stream, Math.max(0, Math.round(timeoutUs)));
}

const LOADED = new Map<string, AravisLibrary>();
