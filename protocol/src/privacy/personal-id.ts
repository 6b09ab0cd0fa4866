/**
 * Session and customer ids are meant to be pseudonymous. When one is personal data itself (a
 * site that uses the email or the phone number as its customer id), the collector refuses it
 * instead of storing it: this says why, or undefined for an id that may be stored.
 */
import { scrubText } from './scrub-text.ts';

export type PersonalIdReason = 'email' | 'phone' | 'card' | 'iban' | 'national-id' | 'jwt' | 'secret';

const REASONS: Record<string, PersonalIdReason> = {
  email: 'email',
  phone: 'phone',
  card: 'card',
  iban: 'iban',
  id: 'national-id',
  jwt: 'jwt',
  redacted: 'secret',
};

export function personalIdReason(id: string): PersonalIdReason | undefined {
  const scrubbed = scrubText(id);
  if (scrubbed == id) return undefined;
  // The first placeholder the id did not hold itself.
  for (const [, name] of scrubbed.matchAll(/\[(\w+)\]/g)) if (!id.includes(`[${name}]`) && REASONS[name!]) return REASONS[name!];
  return 'secret';
}
