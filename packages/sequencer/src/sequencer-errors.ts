import {
  DimensionalityError,
  InvalidTypeError,
  InvalidValueError,
  RecoverableError,
  ShotlineError,
  type ShotlineErrorOptions,
} from '@shotline/core';

/**
 * A channel output cannot be evaluated for this shot (a missing lane without default, an advance
 * larger than the padding, a non-boolean input to a gate...). Names the device and channel.
 */
export class ChannelOutputError extends InvalidValueError {
  static override readonly code: string = 'CHANNEL_OUTPUT';
}

/** A channel output of the wrong type (a number where a boolean is needed...). */
export class ChannelTypeError extends InvalidTypeError {
  static override readonly code: string = 'CHANNEL_TYPE';
}

/** A channel's output has the wrong dimension for the channel (e.g. volts on a `mW` channel). */
export class ChannelUnitError extends DimensionalityError {
  static override readonly code: string = 'CHANNEL_UNIT';
}

/** A `DeviceTrigger` names a device whose compiler cannot compute a trigger. */
export class DeviceNotTriggerableError extends InvalidTypeError {
  static override readonly code: string = 'DEVICE_NOT_TRIGGERABLE';
}

/** Sequencers trigger each other in a cycle (A triggers B which triggers A). */
export class TriggerLoopError extends InvalidValueError {
  static override readonly code: string = 'TRIGGER_LOOP';
}

/** A sequencer cannot produce the trigger a slave asks for (clock ratio, software trigger...). */
export class SequencerTriggerError extends InvalidValueError {
  static override readonly code: string = 'SEQUENCER_TRIGGER';
}

/**
 * The compiled program does not fit the hardware: too many instructions for its memory, a loop
 * count over the limit, an instruction shorter than the minimum, a ramp on a device without ramps,
 * an analog value out of range. Raised when the shot is compiled, before the device is touched.
 */
export class SequencerProgramError extends InvalidValueError {
  static override readonly code: string = 'SEQUENCER_PROGRAM';
}

/**
 * Several channels of a sequencer failed to compile; `errors` holds one error per channel, each
 * naming it.
 */
export class SequencerCompilationError extends RecoverableError {
  static override readonly code: string = 'SEQUENCER_COMPILATION';
  constructor(
    readonly errors: readonly ShotlineError[],
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `${errors.length} channels failed to compile: ${errors.map((e) => e.message).join('; ')}`,
      options,
    );
  }
}

/** The sequencer's driver or instrument reported an error. */
export class SequencerHardwareError extends RecoverableError {
  static override readonly code: string = 'SEQUENCER_HARDWARE';
}

/**
 * A running sequence was stopped without an error before it finished: a controller bug, since the
 * controller must wait for the end (or fail).
 */
export class SequenceNotFinishedError extends ShotlineError {
  static override readonly code: string = 'SEQUENCE_NOT_FINISHED';
}
