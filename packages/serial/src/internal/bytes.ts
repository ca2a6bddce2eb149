/**
 * Shows bytes received from or sent to an instrument in messages: printable ASCII as is, the rest
 * escaped (`\r`, `\n`, `\x00`), truncated to `limit` characters.
 */
export function printableBytes(bytes: Uint8Array | string, limit = 80): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let text = '';
  for (const byte of data) {
    if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x09) text += '\\t';
    else if (byte === 0x5c) text += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
    if (text.length > limit) return `${text.slice(0, limit)}…`;
  }
  return text;
}
