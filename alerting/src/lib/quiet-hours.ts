/**
 * Quiet hours per project: no customer message is handed to a channel between `start` and
 * `end` (local time in `timeZone`); a message that falls inside is deferred to `end` and then
 * re-checked (consent, completion) like any other.
 */
import { ConfigError } from '@touchpoint/protocol/errors';

export interface QuietHours {
  /** `HH:MM`, local time. */
  start: string;
  /** `HH:MM`, local time; may be earlier than `start` (the window spans midnight). */
  end: string;
  /** IANA time zone, default `UTC`. */
  timeZone?: string;
}

const invalid = (value: string) => new ConfigError(`quiet hours "${value}" are invalid: write HH:MM-HH:MM, e.g. 21:00-08:00`);

function minutesOf(hhmm: string): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  if (!m) throw invalid(hhmm);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Parses `21:00-08:00` (the TOUCHPOINT_QUIET_HOURS form). */
export function parseQuietHours(value: string, timeZone?: string): QuietHours {
  const [start, end, extra] = value.split('-');
  if (start === undefined || end === undefined || extra !== undefined) throw invalid(value);
  minutesOf(start);
  minutesOf(end);
  if (timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
    } catch {
      throw new ConfigError(`quiet hours time zone "${timeZone}" is unknown: write an IANA zone such as Australia/Sydney`);
    }
  }
  return timeZone ? { start, end, timeZone } : { start, end };
}

function localMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** Milliseconds until quiet hours end, or 0 when `at` is outside them. */
export function quietDelay(q: QuietHours | undefined, at: number): number {
  if (!q) return 0;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return 0;
  const now = localMinutes(at, q.timeZone ?? 'UTC');
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return 0;
  const minutesLeft = (end - now + 1440) % 1440;
  // Align to the minute boundary so the deferred job lands just after quiet hours end.
  return minutesLeft * 60_000 - (at % 60_000);
}
