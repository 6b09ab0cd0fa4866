/**
 * Durations in configuration are written the way people say them: `500ms`, `2s`, `15m`, `1h`,
 * `7d`; a bare number is milliseconds.
 */
import { ConfigError } from '@touchpoint/protocol/errors';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const invalid = (name: string, value: string) =>
  new ConfigError(`${name}="${value}" is not a duration: write a number with a unit, e.g. 500ms, 2s, 15m, 1h or 7d`);

export function parseDuration(value: string, name = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!m || m[1] === undefined) throw invalid(name, value);
  const unit = (m[2] ?? 'ms') as keyof typeof UNIT_MS;
  const ms = Math.round(Number(m[1]) * UNIT_MS[unit]);
  if (!Number.isFinite(ms) || ms <= 0) throw invalid(name, value);
  return ms;
}
