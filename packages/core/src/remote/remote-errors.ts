import { RecoverableError, ShotlineError } from '../errors/index.js';

/** A request to the server carried no valid token (HTTP 401). */
export class AuthenticationError extends ShotlineError {
  static override readonly code: string = 'UNAUTHENTICATED';
}

/** The token is valid but its scopes do not allow the request (HTTP 403). */
export class PermissionDeniedError extends ShotlineError {
  static override readonly code: string = 'FORBIDDEN';
}

/** The server refused a request as malformed (HTTP 400: bad JSON, unknown field, wrong type). */
export class RequestValidationError extends ShotlineError {
  static override readonly code: string = 'REQUEST_INVALID';
}

/** A request names something the server does not have (HTTP 404). */
export class RemoteNotFoundError extends RecoverableError {
  static override readonly code: string = 'NOT_FOUND';
}

/** The server answered in a way this client does not understand (a version mismatch). */
export class ProtocolError extends ShotlineError {
  static override readonly code: string = 'PROTOCOL';
}
