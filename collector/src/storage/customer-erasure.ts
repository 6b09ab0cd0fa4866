/**
 * Erasure of one customer from every ClickHouse table: the rows that carry their id, the rows of
 * every session that ever carried it, and the rollup rows keyed by those rows (page loads by
 * `cityHash64(session, path)`, checkouts by id), which a mutation of the raw tables never reaches.
 *
 * The ids never appear in a statement. Bound parameters are substituted before a query is logged
 * (`system.query_log` on a server keeps `customer = 'cust-1'`), and a mutation's text is kept with
 * the table (`system.mutations`, `mutation_N.txt`, measured on chDB 26.7). So the customer id goes
 * into a scratch table (Memory engine: nothing on disk) as insert data, which is never logged, and
 * every statement reads the ids from there. The table is dropped when the erasure ends.
 *
 * Deletes are mutations (`ALTER TABLE … DELETE`, waited for): a lightweight `DELETE FROM` only
 * masks rows, and their bytes stay in the part until a merge, which a partition that stopped
 * taking inserts may never see again before its TTL. Both kinds work on chDB on MergeTree and
 * AggregatingMergeTree tables alike. The parts a mutation replaced are removed by the engine
 * after `old_parts_lifetime` (8 minutes by default).
 *
 * Which tables: every MergeTree table of the database, by its columns, so a table added later
 * with a `customer` or `session` column is erased without a change here.
 */
import type { StoreCounts } from '@touchpoint/protocol/erasure';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

/** The rollup keyed by page load (`load` = cityHash64(session, path) of its vitals, migration 005). */
const PAGE_LOADS = 'page_loads';
const PAGE_LOADS_SOURCE = 'vitals';

type Kind = 'customer' | 'session' | 'checkout' | 'load';
const COLUMN: Record<Kind, string> = { customer: 'customer', session: 'session', checkout: 'checkout_id', load: 'load' };

export interface ClickHouseErasure {
  /** Adds sessions found elsewhere (the signal queue), before links() and erase(). */
  addSessions(sessions: readonly string[]): Promise<void>;
  /** The customer's sessions and checkouts. */
  links(): Promise<{ sessions: string[]; checkouts: string[] }>;
  /** Deletes every linked row; rows removed per table (tables with none are left out). */
  erase(): Promise<StoreCounts>;
  /** Drops the scratch table; call whatever happened. */
  close(): Promise<void>;
}

interface Table {
  name: string;
  /** A row is the customer's when one of these columns holds one of their ids. */
  by: Kind[];
  /** It names checkouts: with `by` a customer or a session, it tells which checkouts were theirs. */
  hasCheckoutId: boolean;
}

/**
 * Starts an erasure: fills the scratch table with the customer and the sessions ClickHouse knows
 * for them. `name` (the receipt id) names the scratch table, so a retry after a crash replaces it.
 */
export async function openClickHouseErasure(storage: Storage, name: string, project: string, customer: string): Promise<ClickHouseErasure> {
  const { client } = storage;
  const db = quoteIdent(storage.database);
  const scratch = `${db}.${quoteIdent(`erasure_${name.replaceAll('-', '')}`)}`;
  const ids = (kind: Kind) => `(SELECT ${kind === 'load' ? 'toUInt64(value)' : 'value'} FROM ${scratch} WHERE kind = '${kind}')`;
  const params = { project };
  const run = (query: string) => client.command({ query, query_params: params });
  const put = (kind: Kind, values: readonly string[]) =>
    values.length ? client.insert({ table: scratch, values: values.map((value) => ({ kind, value })), format: 'JSONEachRow' }) : Promise.resolve();
  const drop = () => client.command({ query: `DROP TABLE IF EXISTS ${scratch} SYNC` });
  const ofCustomer = (t: Table) => `project = {project:String} AND (${t.by.map((k) => `${COLUMN[k]} IN ${ids(k)}`).join(' OR ')})`;
  const from = (t: Table) => `${db}.${quoteIdent(t.name)}`;

  const tables = await linkedTables(storage);
  await drop();
  await run(`CREATE TABLE ${scratch} (kind LowCardinality(String), value String) ENGINE = Memory`);
  try {
    await put('customer', [customer]);
    for (const t of tables.filter((t) => t.by.includes('customer') && t.by.includes('session'))) {
      await run(`INSERT INTO ${scratch} SELECT DISTINCT 'session', session FROM ${from(t)} WHERE project = {project:String} AND customer IN ${ids('customer')}`);
    }
  } catch (err) {
    await drop();
    throw err;
  }

  const distinct = async (kind: Kind) => {
    const rs = await client.query({ query: `SELECT DISTINCT value FROM ${scratch} WHERE kind = {kind:String}`, query_params: { kind }, format: 'JSONEachRow' });
    return (await rs.json<{ value: string }>()).map((r) => r.value);
  };
  // Checkouts follow from the sessions: found again after sessions were added.
  let checkoutsFound = false;
  const findCheckouts = async () => {
    if (checkoutsFound) return;
    for (const t of tables.filter((t) => t.hasCheckoutId && !t.by.includes('checkout'))) {
      await run(`INSERT INTO ${scratch} SELECT DISTINCT 'checkout', checkout_id FROM ${from(t)} WHERE ${ofCustomer(t)} AND checkout_id != ''`);
    }
    checkoutsFound = true;
  };

  return {
    async addSessions(sessions) {
      const known = new Set(await distinct('session'));
      const added = [...new Set(sessions)].filter((s) => !known.has(s));
      await put('session', added);
      if (added.length) checkoutsFound = false;
    },
    async links() {
      await findCheckouts();
      return { sessions: await distinct('session'), checkouts: await distinct('checkout') };
    },
    async erase() {
      await findCheckouts();
      // The page-load keys come from the raw rows, so before any of them is deleted.
      await run(`INSERT INTO ${scratch} SELECT DISTINCT 'load', toString(cityHash64(session, path)) FROM ${db}.${PAGE_LOADS_SOURCE} WHERE project = {project:String} AND session IN ${ids('session')}`);
      const removed: Record<string, number> = {};
      for (const t of tables) {
        const where = ofCustomer(t);
        const rs = await client.query({ query: `SELECT count() AS n FROM ${from(t)} WHERE ${where}`, query_params: params, format: 'JSONEachRow' });
        const n = Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0);
        if (n === 0) continue;
        // mutations_sync = 2: return once every replica has rewritten its parts.
        await run(`ALTER TABLE ${from(t)} DELETE WHERE ${where} SETTINGS mutations_sync = 2`);
        removed[t.name] = n;
      }
      return { clickhouse: removed };
    },
    close: async () => void (await drop()),
  };
}

/**
 * The MergeTree tables that can hold the customer, each with the columns that pick their rows:
 * customer id and session where a table has them, else checkout id (the checkouts rollup), and
 * page loads by their key. Tables with none of these (`timings`: metric, dimension value, minute
 * and quantile states; `schema_migrations`) hold no id and are left alone.
 */
async function linkedTables(storage: Storage): Promise<Table[]> {
  const rs = await storage.client.query({
    query: `SELECT table, groupArray(name) AS columns FROM system.columns
      WHERE database = {db:String} AND table IN (SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree')
      GROUP BY table ORDER BY table`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const out: Table[] = [];
  for (const { table, columns } of await rs.json<{ table: string; columns: string[] }>()) {
    const has = (c: string) => columns.includes(c);
    const by: Kind[] = [];
    if (has('customer')) by.push('customer');
    if (has('session')) by.push('session');
    if (!by.length && has('checkout_id')) by.push('checkout');
    if (table === PAGE_LOADS && has('load')) by.push('load');
    if (by.length) out.push({ name: table, by, hasCheckoutId: has('checkout_id') });
  }
  return out;
}
