import { expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

it('parses durations with units', () => {
  expect(parseDuration('2s')).toBe(2000);
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('1.5h')).toBe(5_400_000);
  expect(parseDuration('7d')).toBe(604_800_000);
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('250')).toBe(250);
});

it('refuses what is not a duration, naming the variable', () => {
  expect(() => parseDuration('soon', 'TOUCHPOINT_STUCK_AFTER')).toThrow(/TOUCHPOINT_STUCK_AFTER="soon" is not a duration/);
  expect(() => parseDuration('0s')).toThrow(/not a duration/);
  expect(() => parseDuration('-1m')).toThrow(/not a duration/);
  expect(() => parseDuration('5 weeks')).toThrow(/not a duration/);
});
