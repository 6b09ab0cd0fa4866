import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { INTAKE_COLUMNS } from '../storage/beacon-intake.ts';
import { eraseFromRejectedRows } from './rejected-rows.ts';

const row = (project: string, session: string, customer: string) => {
  const values: unknown[] = INTAKE_COLUMNS.map(() => '');
  values[INTAKE_COLUMNS.indexOf('project')] = project;
  values[INTAKE_COLUMNS.indexOf('session')] = session;
  values[INTAKE_COLUMNS.indexOf('customer')] = customer;
  return JSON.stringify(values);
};
const line = (r: string) => JSON.stringify({ at: '2026-01-01T00:00:00.000Z', table: 'beacon_intake', segment: 'seg-1', error: 'Code: 41.', row: r });

it('takes out the lines of the customer and their sessions, in the project, and leaves the rest', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'tp-rejected-')), 'rejected');
  mkdirSync(dir);
  const kept = [line(row('demo', 's-other', 'cust-10')), line(row('other', 's-9', 'cust-1')), line('["demo","not json", "cust-10"')];
  writeFileSync(join(dir, 'seg-1.jsonl'), [line(row('demo', 's-1', 'cust-1')), kept[0], line(row('demo', 's-anon', '')), kept[1], kept[2]].join('\n') + '\n');
  // A row the engine refused because it is not JSON at all still names the id.
  writeFileSync(join(dir, 'seg-2.jsonl'), line('["demo",, "s-1", "cust-1"') + '\n');
  writeFileSync(join(dir, 'notes.txt'), 'cust-1');

  expect(await eraseFromRejectedRows(dir, { project: 'demo', customer: 'cust-1', sessions: ['s-1', 's-anon'] })).toBe(3);
  expect(readFileSync(join(dir, 'seg-1.jsonl'), 'utf8')).toBe(kept.join('\n') + '\n');
  expect(existsSync(join(dir, 'seg-2.jsonl'))).toBe(false);
  expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('cust-1');
  expect(await eraseFromRejectedRows(dir, { project: 'demo', customer: 'cust-1', sessions: ['s-1', 's-anon'] })).toBe(0);
  expect(await eraseFromRejectedRows(join(dir, 'missing'), { project: 'demo', customer: 'cust-1', sessions: [] })).toBe(0);
});
