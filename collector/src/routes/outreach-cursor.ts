/**
 * The outreach list's paging cursor: where the next page starts (a contact's first decision and
 * its incident id), opaque to clients. Anything that is not a cursor this API gave is a coded
 * 400, never a query with a guessed position.
 */
import { TouchpointError } from '@touchpoint/protocol/errors';
import type { OutreachCursor } from '@touchpoint/protocol/outreach';

export function encodeCursor(c: OutreachCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.incident])).toString('base64url');
}

export function decodeCursor(raw: string): OutreachCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && parsed[0] >= 0 && typeof parsed[1] === 'string' && parsed[1].length <= 512) {
    return { at: parsed[0] as number, incident: parsed[1] };
  }
  throw new TouchpointError('TP_ERR_BAD_QUERY', '"cursor" is not one this API gave: pass the previous answer\'s nextCursor, or leave it out for the first page');
}
