import { BaseDevice, ConnectionFailedError, ContractViolationError } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { waitForCompletion } from '../internal/abortable-sleep.js';
import { type SequencerDevice, SequencerRun } from '../runtime/sequencer-device.js';
import { SequencerHardwareError, SequencerProgramError } from '../sequencer-errors.js';
import type { PulseBlasterInitParameters } from './pulseblaster-compiler.js';
import type { PulseBlasterProgram } from './pulseblaster-program.js';
import { PB_STATUS, PULSE_PROGRAM, type Spinapi, loadSpinapi } from './spinapi.js';

/**
 * A SpinCore PulseBlaster driven through spinapi: `open` loads the library, selects and initialises
 * the board and sets its clock; each shot writes the compiled instruction table between
 * `pb_start_programming` and `pb_stop_programming`; `run` resets and starts it (software trigger),
 * and the end is read from `pb_read_status` once the program's known duration has elapsed.
 */
export class PulseBlaster extends BaseDevice implements SequencerDevice<PulseBlasterProgram> {
  readonly deviceName: string;
  readonly trigger: SequencerTrigger;
  private api: Spinapi | undefined;
  private programmed: PulseBlasterProgram | undefined;

  constructor(
    readonly parameters: PulseBlasterInitParameters,
    private readonly load: (library: string) => Spinapi = loadSpinapi,
  ) {
    super();
    this.deviceName = parameters.deviceName;
    this.trigger = parameters.trigger;
  }

  async open(): Promise<void> {
    const { board, library, coreClockMHz, debug } = this.parameters;
    const api = this.load(library);
    this.onClose(() => api.unload());
    const location = { location: { device: this.deviceName } };
    if (debug) api.pb_set_debug(1);
    const boards = api.pb_count_boards();
    if (boards <= board) {
      throw new ConnectionFailedError(
        `PulseBlaster board ${board} not found: spinapi sees ${Math.max(0, boards)} board(s)`,
        location,
      );
    }
    this.check(api, api.pb_select_board(board), `selecting board ${board}`);
    this.check(api, api.pb_init(), 'initialising the board');
    this.onClose(() => {
      this.api = undefined;
      api.pb_close();
    });
    api.pb_core_clock(coreClockMHz);
    this.api = api;
  }

  /** Writes the shot's instruction table to the board (does not start it). */
  async program(
    parameters: SequencerShotParameters<PulseBlasterProgram>,
    shotIndex: number,
  ): Promise<void> {
    const api = this.opened();
    const program = parameters.program;
    const channels = this.parameters.channels.length;
    if (parameters.sequence.width !== channels) {
      throw new SequencerProgramError(
        `the sequence has ${parameters.sequence.width} channels, the PulseBlaster ${channels}`,
        { location: { device: this.deviceName, shot: shotIndex } },
      );
    }
    this.check(api, api.pb_start_programming(PULSE_PROGRAM), 'starting to program');
    for (let i = 0; i < program.opcodes.length; i++) {
      const address = api.pb_inst_pbonly(
        program.flags[i]!,
        program.opcodes[i]!,
        program.data[i]!,
        program.lengthsNs[i]!,
      );
      this.check(api, address, `writing instruction ${i}`);
      if (address !== i) {
        throw new SequencerHardwareError(
          `the PulseBlaster stored instruction ${i} at address ${address}: loops would jump to the wrong address`,
          { location: { device: this.deviceName, shot: shotIndex } },
        );
      }
    }
    this.check(api, api.pb_stop_programming(), 'finishing the program');
    this.programmed = program;
  }

  /** Resets the board to address 0 and starts the program. */
  async run(): Promise<SequencerRun> {
    const api = this.opened();
    const program = this.programmed;
    if (program === undefined) {
      throw new ContractViolationError(`the PulseBlaster "${this.deviceName}" has no program`);
    }
    this.programmed = undefined;
    this.check(api, api.pb_reset(), 'resetting');
    this.check(api, api.pb_start(), 'starting');
    return new PulseBlasterRun(this.deviceName, api, program.durationNs / 1e6, (code, what) =>
      this.check(api, code, what),
    );
  }

  private opened(): Spinapi {
    if (this.api === undefined) {
      throw new ContractViolationError(`the PulseBlaster "${this.deviceName}" is not open`);
    }
    return this.api;
  }

  private check(api: Spinapi, code: number, what: string): void {
    if (code < 0) {
      throw new SequencerHardwareError(
        `spinapi failed ${what} (error ${code}: ${api.pb_get_error() || 'no message'})`,
        { location: { device: this.deviceName } },
      );
    }
  }
}

/** A started PulseBlaster program. */
class PulseBlasterRun extends SequencerRun {
  constructor(
    deviceName: string,
    private readonly api: Spinapi,
    private readonly expectedMs: number,
    private readonly check: (code: number, what: string) => void,
  ) {
    super(deviceName);
  }

  protected waitForEnd(signal: AbortSignal): Promise<void> {
    return waitForCompletion({
      expectedMs: this.expectedMs,
      isFinished: () => (this.api.pb_read_status() & PB_STATUS.running) === 0,
      signal,
      what: `the sequence of "${this.deviceName}"`,
    });
  }

  protected async halt(): Promise<void> {
    this.check(this.api.pb_stop(), 'stopping');
  }
}
