// The fake DCAM-API (packages/camera/native/fakedcam.c), compiled with gcc into a temporary
// directory once per test process, and bindings to its test controls.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

/** The C source of the fake DCAM-API shipped in `native/`. */
export const FAKE_DCAM_SOURCE = fileURLToPath(new URL('../../native/fakedcam.c', import.meta.url));

let built: string | undefined;

/** Path of the compiled fake library (built on first use). */
export function fakeDcamPath(): string {
  if (built === undefined) {
    const directory = mkdtempSync(join(tmpdir(), 'shotline-fakedcam-'));
    const path = join(directory, 'libfakedcam.so');
    execFileSync('gcc', [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-o',
      path,
      FAKE_DCAM_SOURCE,
      '-lpthread',
    ]);
    built = path;
  }
  return built;
}

/** The pattern of the fake's frame `g` at sensor position (x, y), camera 0. */
export function fakeDcamPixel(x: number, y: number, g: number): number {
  return (x + 2 * y + 1000 * g) & 0xffff;
}

/** The fake's test controls, bound to the same loaded library the driver uses. */
export class FakeDcam {
  readonly path = fakeDcamPath();
  private readonly lib = koffi.load(this.path);
  private readonly resetFn = this.lib.func('void fakedcam_reset(void)');
  private readonly configureFn = this.lib.func(
    'void fakedcam_configure(int cameras, const char *model)',
  );
  private readonly triggersFn = this.lib.func(
    'void fakedcam_set_triggers(int count, double delay_ms, double period_ms)',
  );
  private readonly injectFn = this.lib.func(
    'void fakedcam_inject(const char *fn, int32_t code, int after)',
  );
  private readonly refuseFn = this.lib.func(
    'void fakedcam_refuse_property(int32_t property, int32_t code)',
  );
  private readonly loseFn = this.lib.func('void fakedcam_lose_after(int frames)');
  private readonly logFn = this.lib.func('const char *fakedcam_call_log(void)');
  private readonly deliveredFn = this.lib.func('int fakedcam_frames_delivered(void)');
  private readonly openFn = this.lib.func('int fakedcam_open_cameras(void)');
  private readonly initializedFn = this.lib.func('int fakedcam_initialized(void)');
  private readonly propertyFn = this.lib.func('double fakedcam_property(int index, int32_t id)');

  /** One ORCA-Quest, one trigger per capture 2 ms after it starts, nothing recorded. */
  reset(): void {
    this.resetFn();
  }

  configure(cameras: number, model = 'C15550-20UP'): void {
    this.configureFn(cameras, model);
  }

  /** Frames per capture: the first after `delayMs`, then one every `periodMs`. */
  setTriggers(count: number, delayMs = 2, periodMs = 2): void {
    this.triggersFn(count, delayMs, periodMs);
  }

  inject(dcamFunction: string, code: number, after = 0): void {
    this.injectFn(dcamFunction, code, after);
  }

  refuseProperty(property: number, code: number): void {
    this.refuseFn(property, code);
  }

  /** The camera is lost once `frames` frames of a capture were delivered. */
  loseAfter(frames: number): void {
    this.loseFn(frames);
  }

  /** The DCAM calls made so far (reads excepted), with their arguments. */
  calls(): string[] {
    return (this.logFn() as string).split('\n').filter(Boolean);
  }

  framesDelivered(): number {
    return this.deliveredFn() as number;
  }

  openCameras(): number {
    return this.openFn() as number;
  }

  initialized(): boolean {
    return this.initializedFn() === 1;
  }

  property(camera: number, id: number): number {
    return this.propertyFn(camera, id) as number;
  }
}
