/** What one channel of a simulated sequencer did during a shot: its value from each time on. */
export interface ChannelTimeline {
  /** Field of the compiled instruction (`ch 3`). */
  readonly field: string;
  readonly description: string;
  /** Times of the changes, in picoseconds since the start of the shot (master time for slaves). */
  readonly times: readonly number[];
  /** The value from each time on (booleans as 0/1, analog values in SI base units). */
  readonly values: readonly number[];
}

/**
 * The outputs a simulated sequencer played during one shot, as a change table per channel, for
 * tests and demos to inspect (e.g. a slave's outputs in master time).
 */
export interface SequencerTimeline {
  readonly device: string;
  readonly shot: number;
  /** The sequencer's time step in picoseconds. */
  readonly timeStep: number;
  /** Shot time of the first tick played (negative when channels are advanced). */
  readonly start: number;
  /** Shot time at which the last tick ended. */
  readonly end: number;
  readonly channels: readonly ChannelTimeline[];
}

/**
 * Token of the lab's {@link SequencerTimelineRecorder} in the plugin container (a global symbol).
 */
export const SEQUENCER_TIMELINE_RECORDER_TOKEN: unique symbol = Symbol.for(
  'shotline.SequencerTimelineRecorder',
);

/**
 * Keeps the timelines simulated sequencers played (the most recent `capacity` of them), so a test
 * can check what the outputs did, shot by shot.
 */
export class SequencerTimelineRecorder {
  private readonly recorded: SequencerTimeline[] = [];

  constructor(readonly capacity = 1000) {}

  /** Adds a timeline, dropping the oldest beyond the capacity. */
  record(timeline: SequencerTimeline): void {
    this.recorded.push(timeline);
    if (this.recorded.length > this.capacity) this.recorded.shift();
  }

  /** The recorded timelines, oldest first, of one device or of all. */
  timelines(device?: string): SequencerTimeline[] {
    return this.recorded.filter((t) => device === undefined || t.device === device);
  }

  /** The timeline of a device for a shot, if recorded. */
  timeline(device: string, shot: number): SequencerTimeline | undefined {
    return this.recorded.find((t) => t.device === device && t.shot === shot);
  }

  /** Forgets everything. */
  clear(): void {
    this.recorded.length = 0;
  }
}
