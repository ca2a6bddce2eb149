import {
  Parameters,
  createShotContext,
  type CompilingShotContext,
  type DeviceCompiler,
  type ParameterValue,
  type SequenceContext,
} from '@shotline/core';

/** Options of {@link testShotContext}. */
export interface TestShotOptions {
  /** The shot's parameters (constants and scanned values). Default: none. */
  readonly parameters?: Parameters | Readonly<Record<string, ParameterValue>>;
  /** Index of the shot. Default 0. */
  readonly index?: number;
  /**
   * The compilers of the devices in use in the shot, by name: the one under test, when other
   * compilers ask for its shot parameters, and the others it asks (e.g. a camera a sequencer
   * triggers). Default: none.
   */
  readonly compilers?:
    ReadonlyMap<string, DeviceCompiler> | Readonly<Record<string, DeviceCompiler>>;
}

/**
 * The engine's {@link ShotContext} for one shot of `sequence`, to call a compiler's `compileShot`
 * in a unit test: exact step timing in integer picoseconds, lanes marked used as they are read
 * (`usedLanes`, `unusedLanes()`), other devices' shot parameters compiled on demand and memoised,
 * and the engine's errors (naming the lane, the device, the shot).
 *
 * ```ts
 * const sequence = testSequenceContext(stepTimeLanes(['10 ms', 'wait'], { cam: lane }));
 * const compiler = new MyCompiler('cam', configuration, sequence);
 * const shot = testShotContext(sequence, { parameters: { wait: Quantity.parse('2 ms') } });
 * expect(compiler.compileShot(shot)).toEqual(...);
 * ```
 */
export function testShotContext(
  sequence: SequenceContext,
  options: TestShotOptions = {},
): CompilingShotContext {
  const { parameters, compilers } = options;
  return createShotContext(sequence, {
    index: options.index,
    parameters:
      parameters === undefined || parameters instanceof Parameters
        ? parameters
        : Parameters.of(parameters),
    compilers:
      compilers === undefined || compilers instanceof Map
        ? (compilers as ReadonlyMap<string, DeviceCompiler> | undefined)
        : new Map(Object.entries(compilers)),
  });
}
