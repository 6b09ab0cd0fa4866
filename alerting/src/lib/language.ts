/** The language a message is written in: the base of a BCP 47 tag (`de-AT` → `de`) when we have copy for it, else English. */
export function pickLanguage(tag: string | undefined, known: readonly string[]): string {
  const base = (tag ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return known.includes(base) ? base : 'en';
}
