import { expect, it } from 'vitest';
import { parseQuietHours, quietDelay } from './quiet-hours.ts';

const at = (iso: string) => Date.parse(iso);

it('defers to the end of quiet hours that span midnight', () => {
  const q = parseQuietHours('21:00-08:00');
  expect(quietDelay(q, at('2026-11-24T22:30:00Z'))).toBe(9.5 * 3_600_000);
  expect(quietDelay(q, at('2026-11-24T07:59:30Z'))).toBe(30_000);
  expect(quietDelay(q, at('2026-11-24T08:00:00Z'))).toBe(0);
  expect(quietDelay(q, at('2026-11-24T12:00:00Z'))).toBe(0);
});

it('uses the project time zone', () => {
  const q = parseQuietHours('21:00-08:00', 'Australia/Sydney'); // UTC+11 in November
  expect(quietDelay(q, at('2026-11-24T12:00:00Z'))).toBe(9 * 3_600_000); // 23:00 in Sydney
  expect(quietDelay(q, at('2026-11-24T00:00:00Z'))).toBe(0); // 11:00 in Sydney
});

it('handles a same-day window and refuses nonsense', () => {
  const q = parseQuietHours('12:00-13:00');
  expect(quietDelay(q, at('2026-11-24T12:15:00Z'))).toBe(45 * 60_000);
  expect(quietDelay(undefined, at('2026-11-24T12:15:00Z'))).toBe(0);
  expect(() => parseQuietHours('late')).toThrow(/HH:MM-HH:MM/);
  expect(() => parseQuietHours('25:00-08:00')).toThrow(/HH:MM-HH:MM/);
  expect(() => parseQuietHours('21:00-08:00', 'Mars/Olympus')).toThrow();
});
