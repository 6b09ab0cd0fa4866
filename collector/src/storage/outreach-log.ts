/**
 * The outreach log in ClickHouse (alerting's OutreachLog): what was decided per incident and
 * channel, and the outcome that matters: did the customer come back (CameBackRule: complete a
 * checkout begun once the message could have been read)? Listed one contact per incident with
 * its channels, newest first, paged by a cursor, searchable, with totals and a trend per day.
 */
import { createHash } from 'node:crypto';
import type { OutreachChannelDecision, OutreachContact, OutreachDay, OutreachLog, OutreachQuery, OutreachReport, OutreachTotals } from '@touchpoint/protocol/outreach';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

interface ContactRow {
  incident: string;
  customer: string;
  reason: OutreachContact['reason'];
  checkout_id: string;
  sent: number;
  held: number;
  at: string;
  sent_at: string;
  skip_reason: string;
  /** (channel, status, at, skip reason, time to outreach), oldest first. */
  channels: [OutreachChannelDecision['channel'], OutreachChannelDecision['status'], string, string, number | null][];
  came_back: number;
  came_back_at: string;
}

interface DayRow {
  day: string;
  contacted: string;
  completed_after_contact: string;
  holdout: string;
  completed_in_holdout: string;
  skipped: string;
  matched: string;
}

const DAY_MS = 86_400_000;

export function createOutreachLog(storage: Storage): OutreachLog {
  const db = quoteIdent(storage.database);
  const { client } = storage;
  // One row per incident (a contact) in the window: its decisions per channel, and the time
  // "came back" counts from: the first message handed to a channel, else the decision.
  const contacts = `
    SELECT incident AS c_incident, any(customer) AS c_customer, any(reason) AS c_reason, anyIf(checkout_id, checkout_id != '') AS c_checkout,
      max(status = 'sent') AS c_sent, max(status = 'holdout') AS c_held,
      min(at) AS c_first_at, minIf(at, status = 'sent') AS c_first_sent_at, if(c_sent = 1, c_first_sent_at, c_first_at) AS ref_at,
      argMinIf(skip_reason, at, status = 'skipped') AS c_skip_reason,
      arraySort(x -> x.3, groupArray((channel, status, toUnixTimestamp64Milli(at), skip_reason, time_to_outreach_ms))) AS c_channels
    FROM ${db}.outreach_log
    WHERE project = {project:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
    GROUP BY c_incident`;
  const { completions, returned } = cameBackSql(db);
  const joined = `
    SELECT c.c_incident AS incident, any(c.c_customer) AS customer, any(c.c_reason) AS reason, any(c.c_checkout) AS checkout_id,
      any(c.c_sent) AS sent, any(c.c_held) AS held, any(c.c_first_at) AS first_at, any(c.c_first_sent_at) AS first_sent_at,
      any(c.c_skip_reason) AS skip_reason, any(c.c_channels) AS channels,
      countIf(${returned('c.ref_at')}) > 0 AS came_back, minIf(r.completed, ${returned('c.ref_at')}) AS came_back_at
    FROM (${contacts}) AS c
    LEFT JOIN (${completions}) AS r ON r.r_customer = c.c_customer
    GROUP BY c.c_incident`;
  // Part of a customer id or a checkout id, any case; '' matches everything.
  const matches = `({search:String} = '' OR positionCaseInsensitiveUTF8(customer, {search:String}) > 0 OR positionCaseInsensitiveUTF8(checkout_id, {search:String}) > 0)`;

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
      const params = { project: q.project, from: q.from, to: q.to, delay: q.readDelayMs, search: q.search ?? '' };
      const rowsRs = await client.query({
        query: `SELECT incident, customer, reason, checkout_id, sent, held, toUnixTimestamp64Milli(first_at) AS at,
            toUnixTimestamp64Milli(first_sent_at) AS sent_at, skip_reason, channels, came_back, toUnixTimestamp64Milli(came_back_at) AS came_back_at
          FROM (${joined})
          WHERE ${matches} AND ({paged:UInt8} = 0 OR (first_at, incident) < (fromUnixTimestamp64Milli({afterAt:Int64}), {afterIncident:String}))
          ORDER BY first_at DESC, incident DESC
          LIMIT {limit:UInt32}`,
        // One more than asked: whether there is a next page.
        query_params: { ...params, paged: q.after ? 1 : 0, afterAt: q.after?.at ?? 0, afterIncident: q.after?.incident ?? '', limit: q.limit + 1 },
        format: 'JSONEachRow',
      });
      const rows = await rowsRs.json<ContactRow>();
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      // Totals count contacts, not rows: one incident sent on two channels is one contact.
      const daysRs = await client.query({
        query: `SELECT intDiv(toUnixTimestamp64Milli(first_at), ${DAY_MS}) * ${DAY_MS} AS day,
            countIf(sent) AS contacted, countIf(sent AND came_back) AS completed_after_contact,
            countIf(held AND NOT sent) AS holdout, countIf(held AND NOT sent AND came_back) AS completed_in_holdout,
            countIf(NOT sent AND NOT held) AS skipped, countIf(${matches}) AS matched
          FROM (${joined}) GROUP BY day ORDER BY day`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const byDay = new Map((await daysRs.json<DayRow>()).map((d) => [Number(d.day), d]));
      const trend: OutreachDay[] = [];
      for (let day = Math.floor(q.from / DAY_MS) * DAY_MS; day < q.to; day += DAY_MS) {
        const d = byDay.get(day);
        trend.push({ day, ...totalsOf([d?.contacted, d?.completed_after_contact, d?.holdout, d?.completed_in_holdout, d?.skipped].map(Number)) });
      }
      const sum = (k: keyof OutreachTotals) => trend.reduce((n, d) => n + Number(d[k] ?? 0), 0);
      return {
        contacts: page.map(toContact),
        totals: totalsOf([sum('contacted'), sum('completedAfterContact'), sum('holdout'), sum('completedInHoldout'), sum('skipped')]),
        trend,
        matched: [...byDay.values()].reduce((n, d) => n + Number(d.matched), 0),
        next: rows.length > q.limit && last ? { at: Number(last.at), incident: last.incident } : null,
      };
    },

    async eraseCustomer(project, customer) {
      await client.command({
        query: `DELETE FROM ${db}.outreach_log WHERE project = {project:String} AND customer = {customer:String}`,
        query_params: { project, customer },
      });
    },
  };
}

/**
 * CameBackRule in SQL, for the outreach log and the feedback report's nudge totals: `completions`
 * is a subquery of completed checkouts of identified customers (`r_customer`, `started`,
 * `completed`), to be joined as `r` on the customer; `returned(refAt)` says whether the joined
 * completion counts for a contact made at `refAt`. Bound parameters: {project}, {from}, {to},
 * {delay} (CameBackRule.readDelayMs).
 */
export function cameBackSql(db: string): { completions: string; returned: (refAt: string) => string } {
  // Completed checkouts of identified customers, with when each began (its first event). Read
  // from a day before the window: a checkout already under way when the message went out must
  // be seen to have started before it.
  const completions = `
    SELECT checkout_id AS r_checkout, anyIf(customer, customer != '') AS r_customer, min(event_time) AS started, minIf(event_time, step = 'complete') AS completed
    FROM ${db}.checkouts
    WHERE project = {project:String}
      AND received_at >= fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 DAY
      AND received_at < fromUnixTimestamp64Milli({to:Int64}) + INTERVAL 25 HOUR
    GROUP BY r_checkout
    HAVING countIf(step = 'complete') > 0 AND r_customer != ''`;
  // CameBackRule: a completion within 24 h of a checkout begun at least the read delay after.
  // A join on the customer with the time condition inside the aggregate: it needs no inequality
  // join support, so it runs the same on chDB and on a server.
  const returned = (refAt: string) => `r.started >= addMilliseconds(${refAt}, {delay:UInt32}) AND r.completed >= ${refAt} AND r.completed < ${refAt} + INTERVAL 24 HOUR`;
  return { completions, returned };
}

/** DateTime64(3, 'UTC') text form, unambiguous on every input format setting. */
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Counts in the order contacted, completed after contact, holdout, completed in holdout, skipped; the lift from them. */
function totalsOf(n: number[]): OutreachTotals {
  const [contacted = 0, completedAfterContact = 0, holdout = 0, completedInHoldout = 0, skipped = 0] = n.map((x) => (Number.isFinite(x) ? x : 0));
  const lift = contacted > 0 && holdout > 0 ? completedAfterContact / contacted - completedInHoldout / holdout : null;
  return { contacted, completedAfterContact, holdout, completedInHoldout, skipped, lift };
}

function toContact(r: ContactRow): OutreachContact {
  const sent = Number(r.sent) === 1;
  const c: OutreachContact = {
    incident: r.incident,
    customer: r.customer,
    reason: r.reason,
    decision: sent ? 'sent' : Number(r.held) === 1 ? 'holdout' : 'skipped',
    at: Number(r.at),
    channels: r.channels.map(([channel, status, at, skipReason, ttoMs]) => {
      const d: OutreachChannelDecision = { channel, status, at: Number(at) };
      if (skipReason) d.skipReason = skipReason;
      if (ttoMs !== null) d.timeToOutreachMs = Number(ttoMs);
      return d;
    }),
    cameBack: Number(r.came_back) === 1,
  };
  if (r.checkout_id) c.checkout = r.checkout_id;
  if (c.decision === 'skipped' && r.skip_reason) c.skipReason = r.skip_reason;
  if (sent) c.sentAt = Number(r.sent_at);
  if (c.cameBack) c.cameBackAt = Number(r.came_back_at);
  return c;
}
