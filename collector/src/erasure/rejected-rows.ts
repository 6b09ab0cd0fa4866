/**
 * Takes one customer's lines out of the rejected-rows directory (`DATA_DIR/rejected/*.jsonl`,
 * ingest/clickhouse-sink.ts): the `beacon_intake` rows the engine refused, kept for an operator.
 * A line goes when its row is the project's and carries the customer id or one of their sessions.
 * A file is replaced whole (written beside it, then renamed), and removed once empty.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INTAKE_COLUMNS } from '../storage/beacon-intake.ts';

const AT = { project: INTAKE_COLUMNS.indexOf('project'), session: INTAKE_COLUMNS.indexOf('session'), customer: INTAKE_COLUMNS.indexOf('customer') };

export async function eraseFromRejectedRows(dir: string, subject: { project: string; customer: string; sessions: readonly string[] }): Promise<number> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const sessions = new Set(subject.sessions);
  const theirs = (line: string) => {
    const row = rowOf(line);
    if (Array.isArray(row)) return row[AT.project] === subject.project && (row[AT.customer] === subject.customer || sessions.has(String(row[AT.session])));
    // A row the engine refused may not even be JSON: then any mention of the ids, as JSON strings.
    return typeof row === 'string' && [subject.customer, ...sessions].some((id) => row.includes(JSON.stringify(id)));
  };
  let removed = 0;
  for (const file of files) {
    const path = join(dir, file);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const kept = lines.filter((l) => !theirs(l));
    if (kept.length === lines.length) continue;
    removed += lines.length - kept.length;
    if (!kept.length) {
      await rm(path, { force: true });
      continue;
    }
    await writeFile(`${path}.erasing`, kept.join('\n') + '\n', { flush: true });
    await rename(`${path}.erasing`, path);
  }
  return removed;
}

/** The refused row: parsed when it is JSON, its text when not, undefined for a line that is not ours. */
function rowOf(line: string): unknown {
  let text: unknown;
  try {
    text = (JSON.parse(line) as { row?: unknown }).row;
  } catch {
    return undefined;
  }
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
