// Original file: device-server.proto

import type {
  ValueList as _shotline_remote_v1_ValueList,
  ValueList__Output as _shotline_remote_v1_ValueList__Output,
} from '../../../shotline/remote/v1/ValueList.js';
import type {
  ValueRecord as _shotline_remote_v1_ValueRecord,
  ValueRecord__Output as _shotline_remote_v1_ValueRecord__Output,
} from '../../../shotline/remote/v1/ValueRecord.js';
import type {
  NDArrayValue as _shotline_remote_v1_NDArrayValue,
  NDArrayValue__Output as _shotline_remote_v1_NDArrayValue__Output,
} from '../../../shotline/remote/v1/NDArrayValue.js';
import type {
  TypedArrayValue as _shotline_remote_v1_TypedArrayValue,
  TypedArrayValue__Output as _shotline_remote_v1_TypedArrayValue__Output,
} from '../../../shotline/remote/v1/TypedArrayValue.js';
import type {
  QuantityValue as _shotline_remote_v1_QuantityValue,
  QuantityValue__Output as _shotline_remote_v1_QuantityValue__Output,
} from '../../../shotline/remote/v1/QuantityValue.js';
import type {
  InstructionValue as _shotline_remote_v1_InstructionValue,
  InstructionValue__Output as _shotline_remote_v1_InstructionValue__Output,
} from '../../../shotline/remote/v1/InstructionValue.js';
import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from '../../../shotline/remote/v1/Value.js';
import type {
  ValuePairs as _shotline_remote_v1_ValuePairs,
  ValuePairs__Output as _shotline_remote_v1_ValuePairs__Output,
} from '../../../shotline/remote/v1/ValuePairs.js';

/**
 * A value a compiler produced or a controller signalled, as typed data. Arrays travel as bytes in
 * the sender's byte order (little-endian on every platform shotline supports).
 */
export interface Value {
  nullValue?: boolean;
  boolValue?: boolean;
  numberValue?: number | string;
  stringValue?: string;
  listValue?: _shotline_remote_v1_ValueList | null;
  recordValue?: _shotline_remote_v1_ValueRecord | null;
  ndarrayValue?: _shotline_remote_v1_NDArrayValue | null;
  typedArrayValue?: _shotline_remote_v1_TypedArrayValue | null;
  quantityValue?: _shotline_remote_v1_QuantityValue | null;
  instructionValue?: _shotline_remote_v1_InstructionValue | null;
  parametersValue?: _shotline_remote_v1_Value | null;
  dateValue?: number | string;
  mapValue?: _shotline_remote_v1_ValuePairs | null;
  setValue?: _shotline_remote_v1_ValueList | null;
  undefinedValue?: boolean;
  bigintValue?: string;
  kind?:
    | 'nullValue'
    | 'boolValue'
    | 'numberValue'
    | 'stringValue'
    | 'listValue'
    | 'recordValue'
    | 'ndarrayValue'
    | 'typedArrayValue'
    | 'quantityValue'
    | 'instructionValue'
    | 'parametersValue'
    | 'dateValue'
    | 'mapValue'
    | 'setValue'
    | 'undefinedValue'
    | 'bigintValue';
}

/**
 * A value a compiler produced or a controller signalled, as typed data. Arrays travel as bytes in
 * the sender's byte order (little-endian on every platform shotline supports).
 */
export interface Value__Output {
  nullValue?: boolean;
  boolValue?: boolean;
  numberValue?: number;
  stringValue?: string;
  listValue?: _shotline_remote_v1_ValueList__Output | null;
  recordValue?: _shotline_remote_v1_ValueRecord__Output | null;
  ndarrayValue?: _shotline_remote_v1_NDArrayValue__Output | null;
  typedArrayValue?: _shotline_remote_v1_TypedArrayValue__Output | null;
  quantityValue?: _shotline_remote_v1_QuantityValue__Output | null;
  instructionValue?: _shotline_remote_v1_InstructionValue__Output | null;
  parametersValue?: _shotline_remote_v1_Value__Output | null;
  dateValue?: number;
  mapValue?: _shotline_remote_v1_ValuePairs__Output | null;
  setValue?: _shotline_remote_v1_ValueList__Output | null;
  undefinedValue?: boolean;
  bigintValue?: string;
  kind?:
    | 'nullValue'
    | 'boolValue'
    | 'numberValue'
    | 'stringValue'
    | 'listValue'
    | 'recordValue'
    | 'ndarrayValue'
    | 'typedArrayValue'
    | 'quantityValue'
    | 'instructionValue'
    | 'parametersValue'
    | 'dateValue'
    | 'mapValue'
    | 'setValue'
    | 'undefinedValue'
    | 'bigintValue';
}
