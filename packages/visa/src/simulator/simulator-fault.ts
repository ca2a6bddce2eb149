/**
 * A misbehaviour the {@link ScpiSimulator} shows on its next reply (to a given message, if the
 * fault was injected for one), to test how clients cope with real instruments' failures:
 *
 * - `delay`: the reply comes `ms` late (a late reply after the client's timeout);
 * - `silence`: the message is handled (state changes, errors) but no reply is sent;
 * - `garbage`: `data` is sent instead of the reply (a string is taken as latin1 bytes);
 * - `unterminated`: the reply is sent without its terminator (a line that never ends);
 * - `close-mid-reply`: half of the reply is sent, then the connection is closed;
 * - `oversized`: a reply of `bytes` filler bytes (then the terminator) instead of the real one.
 *
 * A fault only changes how the reply travels: the instrument handles the message as usual.
 */
export type ScpiSimulatorFault =
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'silence' }
  | { readonly kind: 'garbage'; readonly data: string | Uint8Array }
  | { readonly kind: 'unterminated' }
  | { readonly kind: 'close-mid-reply' }
  | { readonly kind: 'oversized'; readonly bytes: number };
