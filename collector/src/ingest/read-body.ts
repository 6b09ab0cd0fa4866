/**
 * A request body as text, for every ingest route (beacons, Faro, OTLP): inflated when
 * Content-Encoding says gzip or deflate (some SDKs compress), never past `maxBytes` of output,
 * so a small bomb cannot cost memory or time; any other encoding is a 415. A body that does not
 * match its declared encoding, or that is compressed without saying so, is a 400 that says so
 * instead of a JSON error full of binary; and a JSON error never echoes the body back.
 */
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { TouchpointError, type ErrorCode } from '@touchpoint/protocol/errors';

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

export interface BodyLimits {
  /** Largest body once inflated. */
  maxBytes: number;
  /** The 413 the route answers with (its message tells that sender what to split or lower). */
  tooLarge: ErrorCode;
}

export function decodeBody(body: Buffer, encoding: string | undefined, limits: BodyLimits): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') {
    if (isGzip(body)) throw new TouchpointError('TP_ERR_INVALID_ENCODING', 'the body is gzip-compressed but no Content-Encoding says so: send Content-Encoding: gzip');
    return body.toString('utf8');
  }
  const inflate = (fn: typeof gunzipSync) => fn(body, { maxOutputLength: limits.maxBytes }).toString('utf8');
  try {
    if (enc === 'gzip' || enc === 'x-gzip') {
      if (!isGzip(body)) throw new TouchpointError('TP_ERR_INVALID_ENCODING', 'Content-Encoding says gzip but the body is not gzip');
      return inflate(gunzipSync);
    }
    if (enc === 'deflate') {
      // RFC 9110's deflate is zlib-wrapped (CompressionStream('deflate')); some clients send it raw.
      try {
        return inflate(inflateSync);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err;
        return inflate(inflateRawSync);
      }
    }
  } catch (err) {
    if (err instanceof TouchpointError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new TouchpointError(limits.tooLarge, `more than ${limits.maxBytes} bytes once inflated`);
    throw new TouchpointError('TP_ERR_INVALID_ENCODING', `Content-Encoding says ${enc} but the body does not inflate (${(err as Error).message})`);
  }
  throw new TouchpointError('TP_ERR_UNSUPPORTED_ENCODING', `got Content-Encoding: ${enc.slice(0, 40)}`);
}

/** JSON.parse, with an error that says where the text stops being JSON and never quotes it. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const where = text.trim() === '' ? 'the body is empty' : at !== undefined ? `it stops being JSON at character ${at}` : 'it is cut short or is not JSON';
    throw new TouchpointError('TP_ERR_INVALID_JSON', where);
  }
}
