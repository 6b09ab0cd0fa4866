/**
 * Email addresses, `+` tags and any case included (percent-encoded ones are decoded first, in
 * scrub-text.ts). The local part starts after a character no local part holds, so a run of
 * local-part characters is tried once, however long, and fails in one backward pass when no `@`
 * follows; domain labels end at a dot they cannot contain. (Like every pattern here, it does not
 * start right after a placeholder's `]`: text glued to a placeholder was glued to what it
 * replaced, so scrubbing twice finds nothing new.) The top-level domain must be letters,
 * so `react@18.2.0` in a stack trace is left alone.
 */
import { EMAIL } from './placeholders.ts';

const ADDRESS = /(^|[^\w.+\]-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}/g;

export function scrubEmails(s: string): string {
  return s.includes('@') ? s.replace(ADDRESS, `$1${EMAIL}`) : s;
}
