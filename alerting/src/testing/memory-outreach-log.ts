/**
 * OutreachLog kept in memory: what alerting's own tests use to see the decisions it records.
 * The ClickHouse implementation (collector/src/storage/outreach-log.ts) has its own tests
 * against chDB. Dedup matches it: one row per (incident, channel, status).
 */
import type { OutreachEntry, OutreachLog, OutreachReport } from '@touchpoint/protocol/outreach';

export class MemoryOutreachLog implements OutreachLog {
  readonly entries: OutreachEntry[] = [];

  async record(entry: OutreachEntry): Promise<void> {
    const dup = this.entries.some((e) => e.project === entry.project && e.incident === entry.incident && e.channel === entry.channel && e.status === entry.status);
    if (!dup) this.entries.push(entry);
  }

  async list(): Promise<OutreachReport> {
    throw new Error('MemoryOutreachLog.list: outcomes need the checkouts table; test them against ClickHouse');
  }

  async eraseCustomer(project: string, customer: string): Promise<void> {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.project === project && e.customer === customer) this.entries.splice(i, 1);
    }
  }

  of(project: string): OutreachEntry[] {
    return this.entries.filter((e) => e.project === project);
  }
}
