import cliProgress from 'cli-progress';
import type { Output } from '../output/output.js';

/**
 * The progress of an export on a terminal: a bar of shots written, with the array data rate and
 * the time left; nothing without a terminal or with `--json`.
 */
export class ExportProgress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly started = performance.now();

  constructor(
    output: Output,
    total: number,
    private readonly bytesPerShot: number,
  ) {
    if (!output.interactive || total === 0) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: output.streams.stderr,
        format: '{bar} {value}/{total} shots | {rate} MiB/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { rate: '-' });
  }

  /** `done` shots are written. */
  update(done: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? ((done * this.bytesPerShot) / 2 ** 20 / seconds).toFixed(0) : '-';
    this.bar?.update(done, { rate });
  }

  stop(): void {
    this.bar?.stop();
  }
}
