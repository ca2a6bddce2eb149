import type { Device } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { SequenceNotFinishedError } from '../sequencer-errors.js';

/**
 * A sequence that was started (software trigger) or armed (external trigger). Await
 * {@link finished}, then always call {@link stop}, also after an error or an abort.
 */
export abstract class SequencerRun {
  private ended = false;
  private stopping: Promise<void> | undefined;

  constructor(
    /** Device name, for messages. */
    readonly deviceName: string,
  ) {}

  /**
   * Resolves when the sequence has played to its end (no busy polling: an event, or a timed wait
   * for instruments that signal nothing). Rejects when `signal` fires.
   */
  async finished(signal: AbortSignal): Promise<void> {
    await this.waitForEnd(signal);
    this.ended = true;
  }

  /**
   * Stops the outputs (idempotent). `reason` is the error that interrupted the shot, if any; without
   * one, stopping a sequence that has not finished is a controller bug: the outputs are stopped, then
   * {@link SequenceNotFinishedError} is thrown.
   */
  async stop(reason?: unknown): Promise<void> {
    this.stopping ??= this.halt();
    await this.stopping;
    if (reason === undefined && !this.ended) {
      throw new SequenceNotFinishedError(
        `the sequence of "${this.deviceName}" was stopped before it finished, without an error`,
        { location: { device: this.deviceName } },
      );
    }
  }

  /** True once {@link finished} resolved. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /** Waits for the hardware to reach the end of the sequence. */
  protected abstract waitForEnd(signal: AbortSignal): Promise<void>;

  /** Stops the hardware's outputs; called once. */
  protected abstract halt(): Promise<void>;
}

/**
 * A sequencer instrument during a sequence: each shot it is programmed with the compiled sequence
 * (and its device program), then started or armed. Built from the compiler's initialization
 * parameters; `open()` connects, `close()` releases.
 */
export interface SequencerDevice<Program = unknown> extends Device {
  readonly deviceName: string;
  /** How it is started: the controller waits for the other devices before a software start. */
  readonly trigger: SequencerTrigger;
  /** Writes the shot's program to the instrument; does not start it. */
  program(parameters: SequencerShotParameters<Program>, shotIndex: number): Promise<void>;
  /** Starts (software trigger) or arms (external trigger) the programmed sequence. */
  run(): Promise<SequencerRun>;
}
