/** The progress of a running sequence as the page shows it. */
export interface RunProgress {
  readonly stored: number;
  readonly expected: number | null;
  /** Shots per second over the recent shots, null before two shots. */
  readonly rate: number | null;
  /** Seconds until the last shot at that rate, null when unknown. */
  readonly etaSeconds: number | null;
}

/**
 * Measures the shot rate from the times shots were stored (the server's time stamps of the
 * `shot-stored` events), over a sliding window of the most recent shots.
 */
export class ShotRate {
  private readonly times: number[] = [];

  constructor(private readonly window = 20) {}

  /** A shot was stored at `at` (ms). */
  add(at: number): void {
    this.times.push(at);
    if (this.times.length > this.window + 1) this.times.shift();
  }

  /** Forgets the shots (a new run). */
  clear(): void {
    this.times.length = 0;
  }

  /** Shots per second, null before two shots. */
  get rate(): number | null {
    if (this.times.length < 2) return null;
    const span = (this.times[this.times.length - 1]! - this.times[0]!) / 1000;
    return span > 0 ? (this.times.length - 1) / span : null;
  }

  /** The progress with rate and ETA. */
  progress(stored: number, expected: number | null): RunProgress {
    const rate = this.rate;
    const etaSeconds =
      rate !== null && expected !== null ? Math.max(0, expected - stored) / rate : null;
    return { stored, expected, rate, etaSeconds };
  }
}

/** `1 h 02 min`, `3 min 05 s`, `42 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
