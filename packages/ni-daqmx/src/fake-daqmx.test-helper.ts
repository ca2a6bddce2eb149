// The fake NI-DAQmx (packages/ni-daqmx/native/fakedaqmx.c), compiled with gcc into a temporary
// directory once per test process, and bindings to its test controls.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

/** The C source of the fake NI-DAQmx shipped in `native/`. */
export const FAKE_DAQMX_SOURCE = fileURLToPath(new URL('../native/fakedaqmx.c', import.meta.url));

let built: string | undefined;

/** Path of the compiled fake library (built on first use). */
export function fakeDaqmxPath(): string {
  if (built === undefined) {
    const directory = mkdtempSync(join(tmpdir(), 'shotline-fakedaqmx-'));
    const path = join(directory, 'libfakedaqmx.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', path, FAKE_DAQMX_SOURCE, '-lm']);
    built = path;
  }
  return built;
}

/** The sample clock configuration the fake received last. */
export interface FakeTiming {
  readonly source: string;
  readonly rate: number;
  readonly edge: number;
  readonly mode: number;
  readonly samples: number;
  readonly filter: boolean;
  readonly filterWidth: number;
}

/** The fake's test controls, bound to the same loaded library the driver uses. */
export class FakeDaqmx {
  readonly path = fakeDaqmxPath();
  private readonly lib = koffi.load(this.path);
  private readonly resetFn = this.lib.func('void fakedaqmx_reset(void)');
  private readonly devicesFn = this.lib.func('void fakedaqmx_set_devices(const char *spec)');
  private readonly versionFn = this.lib.func(
    'void fakedaqmx_set_version(unsigned int major, unsigned int minor)',
  );
  private readonly scaleFn = this.lib.func('void fakedaqmx_set_time_scale(double scale)');
  private readonly injectFn = this.lib.func(
    'void fakedaqmx_inject_error(const char *function, int code, int after)',
  );
  private readonly logFn = this.lib.func('const char *fakedaqmx_call_log(void)');
  private readonly tasksFn = this.lib.func('int fakedaqmx_open_tasks(void)');
  private readonly timingFn = this.lib.func(
    'int fakedaqmx_timing(_Out_ uint8_t *source, int size, _Out_ double *rate, _Out_ int *edge, ' +
      '_Out_ int *mode, _Out_ double *samples, _Out_ int *filter, _Out_ double *width)',
  );
  private readonly channelsFn = this.lib.func(
    'int fakedaqmx_channels(_Out_ int *channels, int size, _Out_ uint8_t *device, int deviceSize, ' +
      '_Out_ double *min, _Out_ double *max)',
  );
  private readonly writtenSamplesFn = this.lib.func('double fakedaqmx_written_samples(void)');
  private readonly writtenDataFn = this.lib.func(
    'int fakedaqmx_written_data(_Out_ double *out, double count)',
  );

  /** One PCIe-6738 "Dev1", NI-DAQmx 23.5, real time, nothing recorded. */
  reset(): void {
    this.resetFn();
  }

  /** The devices NI-DAQmx sees: `Dev1=NI PCIe-6738;Dev2=NI USB-6009`. */
  setDevices(spec: string): void {
    this.devicesFn(spec);
  }

  setVersion(major: number, minor: number): void {
    this.versionFn(major, minor);
  }

  /** Scales how long a generation takes (0: done at once). */
  setTimeScale(scale: number): void {
    this.scaleFn(scale);
  }

  /** The next call of `daqmxFunction` (after `after` ones) fails with `code`; `generation` fails a run. */
  injectError(daqmxFunction: string, code: number, after = 0): void {
    this.injectFn(daqmxFunction, code, after);
  }

  /** The NI-DAQmx calls made so far (status reads excepted), with their arguments. */
  calls(): string[] {
    return (this.logFn() as string).split('\n').filter(Boolean);
  }

  /** Tasks created and not cleared. */
  openTasks(): number {
    return this.tasksFn() as number;
  }

  timing(): FakeTiming | undefined {
    const source = Buffer.alloc(256);
    const rate = [0];
    const edge = [0];
    const mode = [0];
    const samples = [0];
    const filter = [0];
    const width = [0];
    if (this.timingFn(source, 256, rate, edge, mode, samples, filter, width) !== 0)
      return undefined;
    return {
      source: source.toString('latin1', 0, source.indexOf(0)),
      rate: rate[0]!,
      edge: edge[0]!,
      mode: mode[0]!,
      samples: samples[0]!,
      filter: filter[0] === 1,
      filterWidth: width[0]!,
    };
  }

  /** The channels of the last task (ao numbers), its device and voltage range. */
  channels(): { channels: number[]; device: string; min: number; max: number } | undefined {
    const channels = new Int32Array(64);
    const device = Buffer.alloc(64);
    const min = [0];
    const max = [0];
    const count = this.channelsFn(channels, 64, device, 64, min, max) as number;
    if (count < 0) return undefined;
    return {
      channels: Array.from(channels.subarray(0, count)),
      device: device.toString('latin1', 0, device.indexOf(0)),
      min: min[0]!,
      max: max[0]!,
    };
  }

  /** The buffer the driver wrote last (GroupByChannel), exactly as the fake received it. */
  written(channels: number): Float64Array | undefined {
    const samples = this.writtenSamplesFn() as number;
    if (samples < 0) return undefined;
    const out = new Float64Array(samples * channels);
    if (this.writtenDataFn(out, out.length) !== 0) return undefined;
    return out;
  }
}
