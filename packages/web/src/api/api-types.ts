// The shapes of the server's answers, from its zod schemas (types only: nothing of the server is
// bundled into the page).
import type { WireError, WireEvent } from '@shotline/core';
import type {
  QueuedRunJson,
  SequenceDetail,
  SequenceSummary,
  checkResultSchema,
  deviceConfigurationSchema,
  deviceFormSchema,
  deviceTypeSchema,
  shotSchema,
  shotTableSchema,
  treeNodeSchema,
  versionedDefinitionSchema,
} from '@shotline/server/client';
import type { z } from 'zod';

export type { QueuedRunJson, SequenceDetail, SequenceSummary, WireError, WireEvent };
/** A folder or sequence of the path tree. */
export type TreeNode = z.infer<typeof treeNodeSchema>;
/** A definition with its version. */
export type VersionedDefinition = z.infer<typeof versionedDefinitionSchema>;
/** The answer of the static check. */
export type CheckResult = z.infer<typeof checkResultSchema>;
/** One stored shot. */
export type ShotJson = z.infer<typeof shotSchema>;
/** Every shot of a sequence, as columns. */
export type ShotTableJson = z.infer<typeof shotTableSchema>;
/** A default device configuration. */
export type DeviceConfigurationJson = z.infer<typeof deviceConfigurationSchema>;
/** A device type's configuration form. */
export type DeviceFormJson = z.infer<typeof deviceFormSchema>;
/** A device type of the server's plugins. */
export type DeviceTypeJson = z.infer<typeof deviceTypeSchema>;

/** The JSON of a time table (core's `TimeLanesJson`). */
export interface TimeLanesJson {
  stepNames: string[];
  stepDurations: string[];
  lanes: LaneJson[];
}

/** A lane: its name, type tag and `[value, span]` blocks. */
export interface LaneJson {
  name: string;
  type: string;
  blocks: [unknown, number][];
}

/** A step of the iteration (core's `StepJson`). */
export type IterationStepJson =
  | { kind: 'declare'; variable: string; value: string }
  | { kind: 'shot' }
  | {
      kind: 'linspace';
      variable: string;
      start: string;
      stop: string;
      num: number;
      shuffle?: { seed: number };
      steps: IterationStepJson[];
    }
  | {
      kind: 'arange';
      variable: string;
      start: string;
      stop: string;
      step: string;
      shuffle?: { seed: number };
      steps: IterationStepJson[];
    }
  | {
      kind: 'zip';
      columns: (
        | { variable: string; values: string[] }
        | { variable: string; start: string; stop: string; num: number }
      )[];
      shuffle?: { seed: number };
      steps: IterationStepJson[];
    };

/** The JSON of an iteration. */
export interface IterationJson {
  steps: IterationStepJson[];
}

/** A sequence's definition. */
export interface DefinitionJson {
  iteration: IterationJson;
  timeLanes: TimeLanesJson;
}

/** An array of a shot, as the server sends it (binary frame). */
export interface ShotArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: ArrayBuffer;
}

/** A message of the event stream (core's `ServerMessageJson`). */
export type StreamMessage =
  | { kind: 'hello'; session: string; epoch: string; seq: number }
  | { kind: 'event'; seq: number; at: number; event: WireEvent }
  | { kind: 'sequence-ended'; seq: number; procedure: string; run: string; error?: WireError }
  | { kind: 'gap'; from: number; to: number };
