import { type DimensionedSeries, type Expression, type Parameters } from '@shotline/core';
import { ChannelOutputError } from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  OutputNode,
  durationTicks,
} from './output-node.js';
import type { StaticContext, StaticOutputType } from './static-type.js';

/**
 * The input played earlier by a duration, rounded to ticks: it is evaluated with `n` fewer ticks
 * before the shot and `n` more after, so its values move `n` ticks earlier. Compensates a device
 * that reacts late (an AOM, a shutter). Contributes `n` to the sequencer's max advance.
 */
export class AdvanceNode extends OutputNode {
  constructor(
    readonly input: OutputNode,
    readonly advance: Expression,
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const n = durationTicks(
      this.advance,
      evaluation.shot.parameters,
      evaluation.timeStep,
      'advance',
    );
    if (n > prepend) {
      throw new ChannelOutputError(
        `the advance ${this.advance.source} (${n} ticks) is larger than the ${prepend} ticks available before the shot`,
        { location: { expression: this.advance.source } },
      );
    }
    return this.input.evaluate(evaluation, prepend - n, append + n);
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    return this.input.staticType(context);
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    const inner = this.input.maxAdvanceAndDelay(parameters, timeStep);
    const n = durationTicks(this.advance, parameters, timeStep, 'advance');
    return { advance: inner.advance + n, delay: inner.delay };
  }

  toString(): string {
    return `${this.input.toString()} << ${this.advance.source}`;
  }
}

/**
 * The input played later by a duration, rounded to ticks (the mirror of {@link AdvanceNode}).
 * Contributes `n` to the sequencer's max delay.
 */
export class DelayNode extends OutputNode {
  constructor(
    readonly input: OutputNode,
    readonly delay: Expression,
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const n = durationTicks(this.delay, evaluation.shot.parameters, evaluation.timeStep, 'delay');
    if (n > append) {
      throw new ChannelOutputError(
        `the delay ${this.delay.source} (${n} ticks) is larger than the ${append} ticks available after the shot`,
        { location: { expression: this.delay.source } },
      );
    }
    return this.input.evaluate(evaluation, prepend + n, append - n);
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    return this.input.staticType(context);
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    const inner = this.input.maxAdvanceAndDelay(parameters, timeStep);
    const n = durationTicks(this.delay, parameters, timeStep, 'delay');
    return { advance: inner.advance, delay: inner.delay + n };
  }

  toString(): string {
    return `${this.delay.source} >> ${this.input.toString()}`;
  }
}
