// Original file: device-server.proto

import type {
  InstructionField as _shotline_remote_v1_InstructionField,
  InstructionField__Output as _shotline_remote_v1_InstructionField__Output,
} from '../../../shotline/remote/v1/InstructionField.js';
import type {
  TypedArrayValue as _shotline_remote_v1_TypedArrayValue,
  TypedArrayValue__Output as _shotline_remote_v1_TypedArrayValue__Output,
} from '../../../shotline/remote/v1/TypedArrayValue.js';

/**
 * A timed instruction as core's transfer codec lays it out (`shotline.instruction/1`): the node
 * table, the children, one column of pattern values per field, the ramp bounds.
 */
export interface InstructionValue {
  format?: string;
  structured?: boolean;
  fields?: _shotline_remote_v1_InstructionField[];
  nodes?: _shotline_remote_v1_TypedArrayValue | null;
  children?: _shotline_remote_v1_TypedArrayValue | null;
  columns?: _shotline_remote_v1_TypedArrayValue[];
  bounds?: _shotline_remote_v1_TypedArrayValue | null;
}

/**
 * A timed instruction as core's transfer codec lays it out (`shotline.instruction/1`): the node
 * table, the children, one column of pattern values per field, the ramp bounds.
 */
export interface InstructionValue__Output {
  format: string;
  structured: boolean;
  fields: _shotline_remote_v1_InstructionField__Output[];
  nodes: _shotline_remote_v1_TypedArrayValue__Output | null;
  children: _shotline_remote_v1_TypedArrayValue__Output | null;
  columns: _shotline_remote_v1_TypedArrayValue__Output[];
  bounds: _shotline_remote_v1_TypedArrayValue__Output | null;
}
