import { ShotlineError, type ShotlineErrorOptions } from '../errors/index.js';

/** A procedure was asked to run a sequence while it is not active. */
export class ProcedureNotActiveError extends ShotlineError {
  static override readonly code: string = 'PROCEDURE_NOT_ACTIVE';
  constructor(
    readonly procedureName: string,
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `procedure "${procedureName}" is not active: activate it first, e.g. ` +
        `\`await using procedure = await manager.createProcedure("${procedureName}").activate()\`, ` +
        `or run your code in \`manager.createProcedure("${procedureName}").run(async (procedure) => ...)\``,
      options,
    );
  }
}

/** A procedure was asked to start a sequence while one is running. */
export class SequenceAlreadyRunningError extends ShotlineError {
  static override readonly code: string = 'SEQUENCE_ALREADY_RUNNING';
  constructor(
    readonly procedureName: string,
    readonly runningSequence: string,
  ) {
    super(
      `procedure "${procedureName}" is already running sequence ${runningSequence}: wait for it ` +
        `(await procedure.exception()) or interrupt it first`,
      { location: { sequence: runningSequence } },
    );
  }
}

/** `activate()` was called on a procedure that is already active (or activating). */
export class ProcedureAlreadyActiveError extends ShotlineError {
  static override readonly code: string = 'PROCEDURE_ALREADY_ACTIVE';
}

/** A procedure could not be activated within its acquisition timeout (another one stayed active). */
export class ProcedureActivationTimeoutError extends ShotlineError {
  static override readonly code: string = 'PROCEDURE_ACTIVATION_TIMEOUT';
}

/** The experiment manager was closed; it runs no more procedures. */
export class ExperimentManagerClosedError extends ShotlineError {
  static override readonly code: string = 'EXPERIMENT_MANAGER_CLOSED';
}
