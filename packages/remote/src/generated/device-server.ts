import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  AbortShot as _shotline_remote_v1_AbortShot,
  AbortShot__Output as _shotline_remote_v1_AbortShot__Output,
} from './shotline/remote/v1/AbortShot.js';
import type {
  BarrierPassed as _shotline_remote_v1_BarrierPassed,
  BarrierPassed__Output as _shotline_remote_v1_BarrierPassed__Output,
} from './shotline/remote/v1/BarrierPassed.js';
import type {
  CloseDeviceReply as _shotline_remote_v1_CloseDeviceReply,
  CloseDeviceReply__Output as _shotline_remote_v1_CloseDeviceReply__Output,
} from './shotline/remote/v1/CloseDeviceReply.js';
import type {
  CloseDeviceRequest as _shotline_remote_v1_CloseDeviceRequest,
  CloseDeviceRequest__Output as _shotline_remote_v1_CloseDeviceRequest__Output,
} from './shotline/remote/v1/CloseDeviceRequest.js';
import type {
  DataDelivery as _shotline_remote_v1_DataDelivery,
  DataDelivery__Output as _shotline_remote_v1_DataDelivery__Output,
} from './shotline/remote/v1/DataDelivery.js';
import type {
  DescribeRequest as _shotline_remote_v1_DescribeRequest,
  DescribeRequest__Output as _shotline_remote_v1_DescribeRequest__Output,
} from './shotline/remote/v1/DescribeRequest.js';
import type {
  DeviceMessage as _shotline_remote_v1_DeviceMessage,
  DeviceMessage__Output as _shotline_remote_v1_DeviceMessage__Output,
} from './shotline/remote/v1/DeviceMessage.js';
import type {
  DeviceServerClient as _shotline_remote_v1_DeviceServerClient,
  DeviceServerDefinition as _shotline_remote_v1_DeviceServerDefinition,
} from './shotline/remote/v1/DeviceServer.js';
import type {
  DeviceTypeDescription as _shotline_remote_v1_DeviceTypeDescription,
  DeviceTypeDescription__Output as _shotline_remote_v1_DeviceTypeDescription__Output,
} from './shotline/remote/v1/DeviceTypeDescription.js';
import type {
  ErrorLocation as _shotline_remote_v1_ErrorLocation,
  ErrorLocation__Output as _shotline_remote_v1_ErrorLocation__Output,
} from './shotline/remote/v1/ErrorLocation.js';
import type {
  Heartbeat as _shotline_remote_v1_Heartbeat,
  Heartbeat__Output as _shotline_remote_v1_Heartbeat__Output,
} from './shotline/remote/v1/Heartbeat.js';
import type {
  InstructionField as _shotline_remote_v1_InstructionField,
  InstructionField__Output as _shotline_remote_v1_InstructionField__Output,
} from './shotline/remote/v1/InstructionField.js';
import type {
  InstructionValue as _shotline_remote_v1_InstructionValue,
  InstructionValue__Output as _shotline_remote_v1_InstructionValue__Output,
} from './shotline/remote/v1/InstructionValue.js';
import type {
  ManagerMessage as _shotline_remote_v1_ManagerMessage,
  ManagerMessage__Output as _shotline_remote_v1_ManagerMessage__Output,
} from './shotline/remote/v1/ManagerMessage.js';
import type {
  NDArrayValue as _shotline_remote_v1_NDArrayValue,
  NDArrayValue__Output as _shotline_remote_v1_NDArrayValue__Output,
} from './shotline/remote/v1/NDArrayValue.js';
import type {
  OpenDeviceReply as _shotline_remote_v1_OpenDeviceReply,
  OpenDeviceReply__Output as _shotline_remote_v1_OpenDeviceReply__Output,
} from './shotline/remote/v1/OpenDeviceReply.js';
import type {
  OpenDeviceRequest as _shotline_remote_v1_OpenDeviceRequest,
  OpenDeviceRequest__Output as _shotline_remote_v1_OpenDeviceRequest__Output,
} from './shotline/remote/v1/OpenDeviceRequest.js';
import type {
  QuantityValue as _shotline_remote_v1_QuantityValue,
  QuantityValue__Output as _shotline_remote_v1_QuantityValue__Output,
} from './shotline/remote/v1/QuantityValue.js';
import type {
  Ready as _shotline_remote_v1_Ready,
  Ready__Output as _shotline_remote_v1_Ready__Output,
} from './shotline/remote/v1/Ready.js';
import type {
  RecordEntry as _shotline_remote_v1_RecordEntry,
  RecordEntry__Output as _shotline_remote_v1_RecordEntry__Output,
} from './shotline/remote/v1/RecordEntry.js';
import type {
  RenewLeasesReply as _shotline_remote_v1_RenewLeasesReply,
  RenewLeasesReply__Output as _shotline_remote_v1_RenewLeasesReply__Output,
} from './shotline/remote/v1/RenewLeasesReply.js';
import type {
  RenewLeasesRequest as _shotline_remote_v1_RenewLeasesRequest,
  RenewLeasesRequest__Output as _shotline_remote_v1_RenewLeasesRequest__Output,
} from './shotline/remote/v1/RenewLeasesRequest.js';
import type {
  ServerDescription as _shotline_remote_v1_ServerDescription,
  ServerDescription__Output as _shotline_remote_v1_ServerDescription__Output,
} from './shotline/remote/v1/ServerDescription.js';
import type {
  ShotDone as _shotline_remote_v1_ShotDone,
  ShotDone__Output as _shotline_remote_v1_ShotDone__Output,
} from './shotline/remote/v1/ShotDone.js';
import type {
  StartShot as _shotline_remote_v1_StartShot,
  StartShot__Output as _shotline_remote_v1_StartShot__Output,
} from './shotline/remote/v1/StartShot.js';
import type {
  TrackedCall as _shotline_remote_v1_TrackedCall,
  TrackedCall__Output as _shotline_remote_v1_TrackedCall__Output,
} from './shotline/remote/v1/TrackedCall.js';
import type {
  TypedArrayValue as _shotline_remote_v1_TypedArrayValue,
  TypedArrayValue__Output as _shotline_remote_v1_TypedArrayValue__Output,
} from './shotline/remote/v1/TypedArrayValue.js';
import type {
  Value as _shotline_remote_v1_Value,
  Value__Output as _shotline_remote_v1_Value__Output,
} from './shotline/remote/v1/Value.js';
import type {
  ValueList as _shotline_remote_v1_ValueList,
  ValueList__Output as _shotline_remote_v1_ValueList__Output,
} from './shotline/remote/v1/ValueList.js';
import type {
  ValuePair as _shotline_remote_v1_ValuePair,
  ValuePair__Output as _shotline_remote_v1_ValuePair__Output,
} from './shotline/remote/v1/ValuePair.js';
import type {
  ValuePairs as _shotline_remote_v1_ValuePairs,
  ValuePairs__Output as _shotline_remote_v1_ValuePairs__Output,
} from './shotline/remote/v1/ValuePairs.js';
import type {
  ValueRecord as _shotline_remote_v1_ValueRecord,
  ValueRecord__Output as _shotline_remote_v1_ValueRecord__Output,
} from './shotline/remote/v1/ValueRecord.js';
import type {
  WaitData as _shotline_remote_v1_WaitData,
  WaitData__Output as _shotline_remote_v1_WaitData__Output,
} from './shotline/remote/v1/WaitData.js';
import type {
  WireError as _shotline_remote_v1_WireError,
  WireError__Output as _shotline_remote_v1_WireError__Output,
} from './shotline/remote/v1/WireError.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  shotline: {
    remote: {
      v1: {
        AbortShot: MessageTypeDefinition<
          _shotline_remote_v1_AbortShot,
          _shotline_remote_v1_AbortShot__Output
        >;
        BarrierPassed: MessageTypeDefinition<
          _shotline_remote_v1_BarrierPassed,
          _shotline_remote_v1_BarrierPassed__Output
        >;
        CloseDeviceReply: MessageTypeDefinition<
          _shotline_remote_v1_CloseDeviceReply,
          _shotline_remote_v1_CloseDeviceReply__Output
        >;
        CloseDeviceRequest: MessageTypeDefinition<
          _shotline_remote_v1_CloseDeviceRequest,
          _shotline_remote_v1_CloseDeviceRequest__Output
        >;
        DataDelivery: MessageTypeDefinition<
          _shotline_remote_v1_DataDelivery,
          _shotline_remote_v1_DataDelivery__Output
        >;
        DescribeRequest: MessageTypeDefinition<
          _shotline_remote_v1_DescribeRequest,
          _shotline_remote_v1_DescribeRequest__Output
        >;
        DeviceMessage: MessageTypeDefinition<
          _shotline_remote_v1_DeviceMessage,
          _shotline_remote_v1_DeviceMessage__Output
        >;
        DeviceServer: SubtypeConstructor<
          typeof grpc.Client,
          _shotline_remote_v1_DeviceServerClient
        > & { service: _shotline_remote_v1_DeviceServerDefinition };
        DeviceTypeDescription: MessageTypeDefinition<
          _shotline_remote_v1_DeviceTypeDescription,
          _shotline_remote_v1_DeviceTypeDescription__Output
        >;
        ErrorLocation: MessageTypeDefinition<
          _shotline_remote_v1_ErrorLocation,
          _shotline_remote_v1_ErrorLocation__Output
        >;
        Heartbeat: MessageTypeDefinition<
          _shotline_remote_v1_Heartbeat,
          _shotline_remote_v1_Heartbeat__Output
        >;
        InstructionField: MessageTypeDefinition<
          _shotline_remote_v1_InstructionField,
          _shotline_remote_v1_InstructionField__Output
        >;
        InstructionValue: MessageTypeDefinition<
          _shotline_remote_v1_InstructionValue,
          _shotline_remote_v1_InstructionValue__Output
        >;
        ManagerMessage: MessageTypeDefinition<
          _shotline_remote_v1_ManagerMessage,
          _shotline_remote_v1_ManagerMessage__Output
        >;
        NDArrayValue: MessageTypeDefinition<
          _shotline_remote_v1_NDArrayValue,
          _shotline_remote_v1_NDArrayValue__Output
        >;
        OpenDeviceReply: MessageTypeDefinition<
          _shotline_remote_v1_OpenDeviceReply,
          _shotline_remote_v1_OpenDeviceReply__Output
        >;
        OpenDeviceRequest: MessageTypeDefinition<
          _shotline_remote_v1_OpenDeviceRequest,
          _shotline_remote_v1_OpenDeviceRequest__Output
        >;
        QuantityValue: MessageTypeDefinition<
          _shotline_remote_v1_QuantityValue,
          _shotline_remote_v1_QuantityValue__Output
        >;
        Ready: MessageTypeDefinition<_shotline_remote_v1_Ready, _shotline_remote_v1_Ready__Output>;
        RecordEntry: MessageTypeDefinition<
          _shotline_remote_v1_RecordEntry,
          _shotline_remote_v1_RecordEntry__Output
        >;
        RenewLeasesReply: MessageTypeDefinition<
          _shotline_remote_v1_RenewLeasesReply,
          _shotline_remote_v1_RenewLeasesReply__Output
        >;
        RenewLeasesRequest: MessageTypeDefinition<
          _shotline_remote_v1_RenewLeasesRequest,
          _shotline_remote_v1_RenewLeasesRequest__Output
        >;
        ServerDescription: MessageTypeDefinition<
          _shotline_remote_v1_ServerDescription,
          _shotline_remote_v1_ServerDescription__Output
        >;
        ShotDone: MessageTypeDefinition<
          _shotline_remote_v1_ShotDone,
          _shotline_remote_v1_ShotDone__Output
        >;
        StartShot: MessageTypeDefinition<
          _shotline_remote_v1_StartShot,
          _shotline_remote_v1_StartShot__Output
        >;
        TrackedCall: MessageTypeDefinition<
          _shotline_remote_v1_TrackedCall,
          _shotline_remote_v1_TrackedCall__Output
        >;
        TypedArrayValue: MessageTypeDefinition<
          _shotline_remote_v1_TypedArrayValue,
          _shotline_remote_v1_TypedArrayValue__Output
        >;
        Value: MessageTypeDefinition<_shotline_remote_v1_Value, _shotline_remote_v1_Value__Output>;
        ValueList: MessageTypeDefinition<
          _shotline_remote_v1_ValueList,
          _shotline_remote_v1_ValueList__Output
        >;
        ValuePair: MessageTypeDefinition<
          _shotline_remote_v1_ValuePair,
          _shotline_remote_v1_ValuePair__Output
        >;
        ValuePairs: MessageTypeDefinition<
          _shotline_remote_v1_ValuePairs,
          _shotline_remote_v1_ValuePairs__Output
        >;
        ValueRecord: MessageTypeDefinition<
          _shotline_remote_v1_ValueRecord,
          _shotline_remote_v1_ValueRecord__Output
        >;
        WaitData: MessageTypeDefinition<
          _shotline_remote_v1_WaitData,
          _shotline_remote_v1_WaitData__Output
        >;
        WireError: MessageTypeDefinition<
          _shotline_remote_v1_WireError,
          _shotline_remote_v1_WireError__Output
        >;
      };
    };
  };
}
