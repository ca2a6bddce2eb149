import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import {
  RemoteAuthenticationError,
  RemoteDeviceError,
  RemoteMessageTooLargeError,
  RemoteRefusedError,
  RemoteServerLostError,
  type RemoteTarget,
} from '../remote-errors.js';
import type { WireError__Output } from '../generated/shotline/remote/v1/WireError.js';
import { errorFromWireMessage, errorToWire } from '../wire/wire-error-codec.js';
import { DEVICE_SERVER_PROTO } from './device-server-proto.js';

/** Binary metadata that carries the typed error of a refused or failed call. */
const ERROR_METADATA = 'shotline-error-bin';
/** gRPC status details are a header: keep them short. */
const MAX_DETAILS = 1000;

let wireErrorType: protobuf.Type | undefined;
function wireError(): protobuf.Type {
  wireErrorType ??= protobuf
    .loadSync(DEVICE_SERVER_PROTO)
    .lookupType('shotline.remote.v1.WireError');
  return wireErrorType;
}

/** A gRPC error status carrying `error` as a typed error (server side). */
export function statusOf(code: grpc.status, error: unknown): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  const wire = errorToWire(error);
  metadata.set(ERROR_METADATA, Buffer.from(wireError().encode(wire).finish()));
  const details = error instanceof Error ? error.message : String(error);
  return {
    code,
    details: details.length > MAX_DETAILS ? `${details.slice(0, MAX_DETAILS)}…` : details,
    metadata,
  };
}

function typedErrorOf(e: grpc.ServiceError): Error | undefined {
  const [raw] = e.metadata?.get(ERROR_METADATA) ?? [];
  if (!(raw instanceof Buffer)) return undefined;
  try {
    const message = wireError().toObject(wireError().decode(raw), {
      longs: Number,
      defaults: true,
      oneofs: true,
    }) as WireError__Output;
    return errorFromWireMessage(message);
  } catch {
    return undefined;
  }
}

/** True for a gRPC error (a ServiceError from a call). */
export function isServiceError(e: unknown): e is grpc.ServiceError {
  return e instanceof Error && typeof (e as Partial<grpc.ServiceError>).code === 'number';
}

/**
 * The error a manager reports for a failed call to a device server (client side): the typed error
 * the server sent (a refusal keeps its class; a device's own failure becomes a
 * {@link RemoteDeviceError} around it), or, from the status alone, a refusal
 * ({@link RemoteAuthenticationError}, {@link RemoteMessageTooLargeError}) or a lost server
 * ({@link RemoteServerLostError}). Every one names the server and, when known, the device.
 */
export function errorFromCall(e: unknown, target: RemoteTarget, doing: string): Error {
  if (!isServiceError(e)) return e instanceof Error ? e : new Error(String(e));
  const typed = typedErrorOf(e);
  const location = target.device ? { device: target.device } : {};
  if (typed) {
    if (typed instanceof RemoteRefusedError || typed instanceof RemoteServerLostError) {
      return typed.addContext(location);
    }
    return new RemoteDeviceError(target, typed);
  }
  const details = e.details || e.message;
  switch (e.code) {
    case grpc.status.UNAUTHENTICATED:
      return new RemoteAuthenticationError(target, `${doing}: ${details}`, { cause: e });
    case grpc.status.RESOURCE_EXHAUSTED:
      return new RemoteMessageTooLargeError(target, `${doing}: ${details}`, { cause: e });
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.UNIMPLEMENTED:
    case grpc.status.NOT_FOUND:
      return new RemoteRefusedError(target, `${doing}: ${details}`, { cause: e });
    default:
      return new RemoteServerLostError(
        target,
        `${doing} failed (${grpc.status[e.code]}: ${details})`,
        {
          cause: e,
        },
      );
  }
}
