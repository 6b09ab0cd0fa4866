/**
 * An SDK's request body as text: gzip-inflated when Content-Encoding says so (Faro's
 * `requestCompression`), never past `maxBytes` of output, so a small zip bomb cannot cost memory.
 */
import { gunzipSync } from 'node:zlib';
import { TouchpointError } from '@touchpoint/protocol/errors';

export function decodeBody(body: Buffer, encoding: string | undefined, maxBytes: number): string {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body.toString('utf8');
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new TouchpointError('TP_ERR_UNSUPPORTED_ENCODING', `got Content-Encoding: ${enc}`);
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new TouchpointError('TP_ERR_PAYLOAD_TOO_LARGE', `more than ${maxBytes} bytes once inflated`);
    throw new TouchpointError('TP_ERR_INVALID_GZIP', (err as Error).message);
  }
}
