import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../generated/device-server.js';
import type { DeviceServerClient } from '../generated/shotline/remote/v1/DeviceServer.js';

/** The contract's file, beside the package's README (`device-server.proto`). */
export const DEVICE_SERVER_PROTO = fileURLToPath(
  new URL('../../device-server.proto', import.meta.url),
);

/** How messages are turned into objects; the generated types are made with the same options. */
const LOADER_OPTIONS: protoLoader.Options = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let loaded: ProtoGrpcType | undefined;

/** The loaded contract (parsed once per process: it is constant data, not state). */
export function deviceServerProto(): ProtoGrpcType {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(DEVICE_SERVER_PROTO, LOADER_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return loaded;
}

/** The client constructor of the DeviceServer service. */
export type DeviceServerClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => DeviceServerClient;
