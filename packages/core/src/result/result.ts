/** A successful {@link Result}. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
  /** Returns the value. */
  unwrap(): T;
}

/** A failed {@link Result} carrying a typed error. */
export interface Err<E extends Error> {
  readonly ok: false;
  readonly error: E;
  /** Throws the error. */
  unwrap(): never;
}

/**
 * The outcome of an operation whose failures are expected and typed (a path that does not exist, a
 * sequence that is not a draft...). Branch on `ok`, or call `unwrap()` to throw the error.
 * Unexpected failures (I/O, bugs) are thrown, never returned.
 */
export type Result<T, E extends Error = Error> = Ok<T> | Err<E>;

class OkImpl<T> implements Ok<T> {
  readonly ok = true as const;
  constructor(readonly value: T) {}
  unwrap(): T {
    return this.value;
  }
}

class ErrImpl<E extends Error> implements Err<E> {
  readonly ok = false as const;
  constructor(readonly error: E) {}
  unwrap(): never {
    throw this.error;
  }
}

/** Makes a successful result. */
export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return new OkImpl(value);
}

/** Makes a failed result. */
export function err<E extends Error>(error: E): Err<E> {
  return new ErrImpl(error);
}
