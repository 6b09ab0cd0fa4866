/**
 * The outreach log in ClickHouse (alerting's OutreachLog): what was decided per incident and
 * channel, and the outcome that matters: did the customer complete a checkout within 24 h?
 */
import { createHash } from 'node:crypto';
import type { OutreachEntry, OutreachIncident, OutreachLog, OutreachQuery, OutreachReport, OutreachTotals } from '@touchpoint/protocol/outreach';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

interface Row {
  incident: string;
  customer: string;
  reason: OutreachEntry['reason'];
  channel: OutreachEntry['channel'];
  status: OutreachEntry['status'];
  skip_reason: string;
  checkout_id: string;
  at: string;
  time_to_outreach_ms: number | null;
  completed: number;
  completed_at: string;
}

interface TotalsRow {
  contacted: string;
  completed_after_contact: string;
  holdout: string;
  completed_in_holdout: string;
  skipped: string;
}

export function createOutreachLog(storage: Storage): OutreachLog {
  const db = quoteIdent(storage.database);
  const { client } = storage;
  // Every outreach row in the window, with whether its customer completed a checkout within
  // 24 h after it. A join on the customer with the time condition inside the aggregate: it
  // needs no inequality join support, so it runs the same on chDB and on a server.
  const joined = `
    SELECT o.incident AS incident, o.customer AS customer, o.reason AS reason, o.channel AS channel, o.status AS status,
      o.skip_reason AS skip_reason, o.checkout_id AS checkout_id, o.at AS at, o.time_to_outreach_ms AS time_to_outreach_ms,
      countIf(c.event_time >= o.at AND c.event_time < o.at + INTERVAL 24 HOUR) > 0 AS completed,
      minIf(c.event_time, c.event_time >= o.at AND c.event_time < o.at + INTERVAL 24 HOUR) AS completed_at
    FROM (
      SELECT * FROM ${db}.outreach_log
      WHERE project = {project:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
    ) AS o
    LEFT JOIN (
      SELECT customer, event_time FROM ${db}.checkouts
      WHERE project = {project:String} AND step = 'complete' AND customer != ''
        AND received_at >= fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 HOUR
        AND event_time >= fromUnixTimestamp64Milli({from:Int64})
        AND event_time < fromUnixTimestamp64Milli({to:Int64}) + INTERVAL 24 HOUR
    ) AS c ON c.customer = o.customer
    GROUP BY incident, customer, reason, channel, status, skip_reason, checkout_id, at, time_to_outreach_ms`;

  return {
    async record(e) {
      // One row per (incident, channel, status), whatever the retries; the token, not the row,
      // decides, so a re-record after a crash with a later `at` is dropped too. The token goes in
      // the statement's SETTINGS clause, not clickhouse_settings: on a chDB connection those stick
      // to every later query of the process (measured), so the next insert by anyone would reuse
      // it and be dropped. It is a hex digest we compute, never input, so it is safe as a literal.
      const token = createHash('sha256').update(`outreach/${e.project}/${e.incident}/${e.channel}/${e.status}`).digest('hex');
      await client.insert({
        table: `${db}.outreach_log SETTINGS insert_deduplication_token = '${token}'`,
        format: 'JSONEachRow',
        values: [
          {
            project: e.project,
            incident: e.incident,
            customer: e.customer,
            reason: e.reason,
            channel: e.channel,
            status: e.status,
            skip_reason: e.skipReason ?? '',
            checkout_id: e.checkout ?? '',
            at: chTime(e.at),
            time_to_outreach_ms: e.timeToOutreachMs ?? null,
          },
        ],
      });
    },

    async list(q: OutreachQuery): Promise<OutreachReport> {
      const params = { project: q.project, from: q.from, to: q.to };
      const rowsRs = await client.query({
        query: `SELECT incident, customer, reason, channel, status, skip_reason, checkout_id,
            toUnixTimestamp64Milli(at) AS at, time_to_outreach_ms, completed, toUnixTimestamp64Milli(completed_at) AS completed_at
          FROM (${joined}) ORDER BY at DESC, incident, channel LIMIT {limit:UInt32}`,
        query_params: { ...params, limit: q.limit },
        format: 'JSONEachRow',
      });
      const rows = await rowsRs.json<Row>();
      // Totals count incidents, not rows: one incident sent on two channels is one contact.
      const totalsRs = await client.query({
        query: `SELECT
            countIf(sent) AS contacted, countIf(sent AND completed) AS completed_after_contact,
            countIf(held AND NOT sent) AS holdout, countIf(held AND NOT sent AND completed) AS completed_in_holdout,
            countIf(NOT sent AND NOT held) AS skipped
          FROM (
            SELECT incident, max(status = 'sent') AS sent, max(status = 'holdout') AS held, max(completed) AS completed
            FROM (${joined}) GROUP BY incident
          )`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const [t] = await totalsRs.json<TotalsRow>();
      const totals: OutreachTotals = {
        contacted: Number(t?.contacted ?? 0),
        completedAfterContact: Number(t?.completed_after_contact ?? 0),
        holdout: Number(t?.holdout ?? 0),
        completedInHoldout: Number(t?.completed_in_holdout ?? 0),
        skipped: Number(t?.skipped ?? 0),
        lift: null,
      };
      if (totals.contacted > 0 && totals.holdout > 0) {
        totals.lift = totals.completedAfterContact / totals.contacted - totals.completedInHoldout / totals.holdout;
      }
      return { incidents: rows.map((r) => toIncident(q.project, r)), totals };
    },

    async eraseCustomer(project, customer) {
      await client.command({
        query: `DELETE FROM ${db}.outreach_log WHERE project = {project:String} AND customer = {customer:String}`,
        query_params: { project, customer },
      });
    },
  };
}

/** DateTime64(3, 'UTC') text form, unambiguous on every input format setting. */
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function toIncident(project: string, r: Row): OutreachIncident {
  const completedAt = Number(r.completed_at);
  const i: OutreachIncident = {
    project,
    incident: r.incident,
    customer: r.customer,
    reason: r.reason,
    channel: r.channel,
    status: r.status,
    at: Number(r.at),
    holdout: r.status === 'holdout',
    completedAfter: Number(r.completed) === 1,
  };
  if (r.skip_reason) i.skipReason = r.skip_reason;
  if (r.checkout_id) i.checkout = r.checkout_id;
  if (r.time_to_outreach_ms !== null) i.timeToOutreachMs = Number(r.time_to_outreach_ms);
  if (i.completedAfter && completedAt > 0) i.completedAt = completedAt;
  return i;
}
