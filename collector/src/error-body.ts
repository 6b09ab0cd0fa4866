/** The body of every 4xx/5xx answer (protocol ErrorBody): `{ statusCode, code, error, message }`. */
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from '@touchpoint/protocol';

export function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
