import cliProgress from 'cli-progress';
import type { ShotlineEventBus } from '@shotline/core';
import type { Output } from '../output/output.js';

/**
 * Shows a running sequence: a progress bar on a terminal (shots stored / expected, rate, ETA), plain
 * lines at each state change otherwise, nothing with `--json`. Listens to the manager's events.
 */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private firstStoredAt: number | undefined;
  private stored = 0;

  constructor(
    private readonly output: Output,
    events: ShotlineEventBus,
  ) {
    this.unsubscribe.push(
      events.on('sequence-state', (e) => {
        if (e.state === 'running' && e.reason === 'resumed') {
          this.line(`RUNNING again: ${e.sequence} resumed`);
        } else if (e.state === 'running') this.start(e.sequence, e.expectedShots);
        else if (e.state === 'paused') {
          this.line(
            `PAUSED: ${e.sequence} after ${e.storedShots} shot(s)${
              e.reason === 'suspender'
                ? `, held by suspender ${(e.suspenders ?? []).map((s) => `"${s}"`).join(', ')}; it resumes by itself once cleared`
                : `; resume with ${this.keys ? 'r or ' : ''}"shotline seq resume ${e.sequence}"`
            }`,
          );
        } else if (e.state === 'preparing') {
          this.line(`${e.reason === 'continued' ? 'continuing' : 'preparing'} ${e.sequence}`);
        }
      }),
      events.on('suspender', (e) => {
        const value = JSON.stringify(e.value);
        this.line(
          e.change === 'tripped'
            ? `suspender "${e.suspender}" tripped: ${e.watch} = ${value}${e.shot !== undefined && e.shot !== null ? ` at shot ${e.shot}` : ''} (${e.action === 'repeat' ? 'the shot runs again' : 'pausing'})`
            : `suspender "${e.suspender}" cleared: ${e.watch} = ${value}`,
        );
      }),
      events.on('sequence-prepared', (e) => {
        const notUsed = e.notUsed.map((n) => `${n.device} (${n.reason})`).join(', ');
        this.line(
          `devices: ${e.devices.join(', ') || 'none'}${notUsed ? `; not used: ${notUsed}` : ''}`,
        );
      }),
      events.on('shot-stored', (e) => this.update(e.storedShots)),
      events.on('sequence-halting', (e) =>
        this.line(`stopping after the running shot: ${e.error.message}`),
      ),
      events.on('shot-retry', (e) =>
        this.line(`shot ${e.index} attempt ${e.attempt} failed, retrying: ${e.error.message}`),
      ),
      events.on('log', (e) => {
        if (e.level === 'warn' || e.level === 'error') this.line(`${e.level}: ${e.message}`);
      }),
    );
  }

  /** True when keys steer the run (`r` resumes): said with PAUSED. */
  keys = false;

  private start(sequence: string, expected: number | null): void {
    this.line(`running ${sequence}: ${expected ?? 'unknown number of'} shots`);
    if (!this.output.interactive) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.output.streams.stderr,
        format:
          expected === null
            ? '{value} shots | {rate} shots/s | {duration_formatted}'
            : '{bar} {value}/{total} shots | {rate} shots/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(expected ?? 0, 0, { rate: '-' });
  }

  private update(stored: number): void {
    const now = performance.now();
    this.firstStoredAt ??= now;
    this.stored = stored;
    const seconds = (now - this.firstStoredAt) / 1000;
    const rate = stored > 1 && seconds > 0 ? ((stored - 1) / seconds).toFixed(1) : '-';
    this.bar?.update(stored, { rate });
  }

  /** Shots stored so far, as the events reported them. */
  get storedShots(): number {
    return this.stored;
  }

  /** A line above the bar (or alone without a terminal). */
  line(text: string): void {
    if (this.output.json) return;
    if (this.bar) {
      this.output.streams.stderr.write('\r\x1b[2K');
      this.output.streams.stderr.write(`${text}\n`);
      this.bar.update(this.stored);
    } else {
      this.output.streams.stderr.write(`${text}\n`);
    }
  }

  /** Removes the listeners and leaves the bar where it is. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    for (const off of this.unsubscribe) off();
  }
}
