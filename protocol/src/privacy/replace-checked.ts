/**
 * `s.replace(pattern, …)` for patterns whose matches still need a check (a checksum, an issued
 * range): a match that fails its check is not consumed, the search goes on one character after
 * where it started, so `200 123 456 782` still finds the TFN `123 456 782` after the failed
 * `200 123 456`. Linear as long as the pattern's matches have a bounded length, which every
 * caller's has (at most 34 characters).
 */
export function replaceChecked(s: string, pattern: RegExp, replacement: (m: RegExpExecArray) => string | undefined): string {
  let out = '';
  let done = 0;
  pattern.lastIndex = 0;
  for (let m; (m = pattern.exec(s)); ) {
    const r = replacement(m);
    if (r === undefined) pattern.lastIndex = m.index + 1;
    else {
      out += s.slice(done, m.index) + r;
      done = pattern.lastIndex;
    }
  }
  return done ? out + s.slice(done) : s;
}
