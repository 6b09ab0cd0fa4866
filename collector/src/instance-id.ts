import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stable id for this collector's data directory. It prefixes spool deduplication tokens and
 * signal job ids, so two collectors writing to one ClickHouse never dedupe each other's segments.
 */
export function instanceId(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[a-z0-9]{8,32}$/.test(id)) return id;
  } catch {
    // first start
  }
  mkdirSync(dataDir, { recursive: true });
  const id = randomBytes(6).toString('hex');
  writeFileSync(file, id + '\n');
  return id;
}
