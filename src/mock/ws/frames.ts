/**
 * WebSocket framing for the mock's hot path. The measurement feed writes frames straight to the socket,
 * many per write, as one latin1 string: a header and the payload per frame. Going through `ws.send` costs a
 * Buffer, a header allocation and two writes per frame, which made the mock, not the client, the bottleneck
 * of the realtime benchmark. Only server-to-client data frames take this path (unmasked, final, text);
 * control frames (ping/pong/close) still go through `ws`, always as whole frames, so nothing interleaves.
 */

/**
 * Appends the frame of a text message to `out` as latin1 strings (one char per byte): the header, then
 * the payload bytes. The caller joins and writes many at once.
 */
export function pushTextFrame(out: string[], payload: string): void {
  // Payload bytes as latin1 chars: ASCII text (UTF-8 length = length) is its own byte string; anything
  // else is UTF-8 encoded first. (byteLength is a native scan, several times faster than a regex test.)
  const bytes = Buffer.byteLength(payload, 'utf8') === payload.length ? payload : Buffer.from(payload, 'utf8').toString('latin1');
  const n = bytes.length;
  if (n < 126) out.push(String.fromCharCode(0x81, n), bytes);
  else if (n < 65536) out.push(String.fromCharCode(0x81, 126, n >>> 8, n & 0xff), bytes);
  else out.push(String.fromCharCode(0x81, 127, 0, 0, Math.floor(n / 2 ** 40) & 0xff, Math.floor(n / 2 ** 32) & 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff), bytes);
}
