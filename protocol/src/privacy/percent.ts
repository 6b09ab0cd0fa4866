/**
 * Percent-decoding for reading, not for display: only ASCII escapes (`%00`–`%7F`) are decoded,
 * because every class the scrubber looks for is written in ASCII, and a non-ASCII escape left as
 * it is cannot hide one. So decoding never throws (no UTF-8 to validate), costs one pass, and a
 * `caf%C3%A9` stays as written around a placeholder.
 */
export const HAS_ESCAPE = /%[0-7][0-9A-Fa-f]/;

export function decodePercent(s: string): string {
  // A run of ASCII escapes is always valid UTF-8: decodeURIComponent cannot throw on it.
  return s.replace(/(?:%[0-7][0-9A-Fa-f])+/g, decodeURIComponent);
}
