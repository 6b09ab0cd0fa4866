/**
 * The cluster variant of the schema, generated from the same migration files the single node
 * applies, so the two never drift: every MergeTree-family table becomes `<name>_local`
 * (Replicated*MergeTree, one replica per `{replica}` macro under the `{shard}` path) plus a
 * `Distributed` table under the original name, so every query and insert keeps the names it
 * has. Materialized views read and write the local tables: each shard rolls up its own rows,
 * and queries merge the rollup states across shards through the Distributed rollup table.
 * A Null-engine intake table stays one per server: its views fill that server's local tables.
 * Every statement runs `ON CLUSTER '{cluster}'`, but for a data copy (`INSERT … SELECT` between
 * two tables, when a migration moves rows to a new layout): run once, through the Distributed
 * tables, it reads and writes every shard.
 *
 * Inserts through a Distributed table are asynchronous unless `distributed_foreground_insert=1`
 * is set: a writer that acknowledges after the insert must set it to keep that promise.
 */
import { TouchpointError } from '@touchpoint/protocol/errors';
import { readMigrations } from './migrate.ts';

export interface ClusterSchemaOptions {
  /** Cluster name or macro for ON CLUSTER and Distributed (default `{cluster}`). */
  cluster?: string;
  /** ZooKeeper/Keeper path of each replicated table (default with the shard, database, table macros). */
  zooPath?: string;
  /** Replica name (default the `{replica}` macro). */
  replica?: string;
}

export interface ClusterMigration {
  version: number;
  name: string;
  statements: string[];
}

export class ClusterSchemaError extends TouchpointError {
  constructor(detail: string, statement: string) {
    super('TP_ERR_CLUSTER_SCHEMA', `${detail}; teach collector/src/storage/cluster-schema.ts this form or write the migration another way. Statement: ${statement.slice(0, 200)}`);
  }
}

const DEFAULTS = { cluster: '{cluster}', zooPath: '/clickhouse/tables/{shard}/{database}/{table}', replica: '{replica}' };

/** A table reference `db.table`, each part bare or in backticks. */
const REF = String.raw`((?:\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_]*))\.((?:\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_]*))`;
const unquote = (s: string) => s.replace(/^`|`$/g, '');
const quote = (s: string) => `\`${s.replaceAll('`', '')}\``;
const literal = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** The migrations, for `database`, as the cluster applies them. */
export function readClusterMigrations(database: string, opts: ClusterSchemaOptions = {}): ClusterMigration[] {
  const migrations = readMigrations(database);
  const tables = new Set<string>();
  return migrations.map((m) => ({ ...m, statements: m.statements.flatMap((s) => toCluster(s, tables, opts)) }));
}

/**
 * One single-node statement → its cluster statements. `localTables` carries the MergeTree
 * tables seen so far (across migrations) so later views and ALTERs point at `_local`.
 */
export function toCluster(statement: string, localTables: Set<string>, opts: ClusterSchemaOptions = {}): string[] {
  const o = { ...DEFAULTS, ...opts };
  const onCluster = `ON CLUSTER ${literal(o.cluster)}`;
  const sql = statement.trim();

  const db = new RegExp(String.raw`^CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?((?:\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_]*))`, 'i').exec(sql);
  if (db) return [`CREATE DATABASE IF NOT EXISTS ${db[2]} ${onCluster}${sql.slice(db[0].length)}`];

  const mv = new RegExp(String.raw`^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?${REF}`, 'i').exec(sql);
  if (mv) {
    const rest = sql.slice(mv[0].length);
    if (!/^\s+TO\s/i.test(rest)) throw new ClusterSchemaError('a materialized view without TO (inner engine) has no cluster form here', sql);
    return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${mv[2]}.${mv[3]} ${onCluster}${toLocalRefs(rest, localTables)}`];
  }

  const view = new RegExp(String.raw`^CREATE\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?${REF}`, 'i').exec(sql);
  // A plain view reads the Distributed names: it sees the whole cluster.
  if (view) return [`CREATE VIEW IF NOT EXISTS ${view[2]}.${view[3]} ${onCluster}${sql.slice(view[0].length)}`];

  const table = new RegExp(String.raw`^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?${REF}`, 'i').exec(sql);
  if (table) {
    const [, , dbPart = '', namePart = ''] = table;
    const name = unquote(namePart);
    const body = sql.slice(table[0].length);
    // An intake table stores nothing: each server keeps its own, and its views write into that
    // server's local tables, so rows stay on the shard whose server took the insert.
    if (/\bENGINE\s*=\s*Null\s*$/i.test(body)) return [`CREATE TABLE IF NOT EXISTS ${dbPart}.${namePart} ${onCluster}${body}`];
    const engine = /\bENGINE\s*=\s*([A-Za-z]*MergeTree)\b/i.exec(body);
    if (!engine || engine.index === undefined) throw new ClusterSchemaError(`table ${name} has no MergeTree-family engine`, sql);
    const engineName = engine[1] ?? '';
    if (/^Replicated/i.test(engineName)) throw new ClusterSchemaError(`table ${name} is already replicated`, sql);
    const afterEngine = engine.index + engine[0].length;
    const { args, end } = readArgs(body, afterEngine);
    const replicatedArgs = [literal(o.zooPath), literal(o.replica), ...(args.trim() ? [args.trim()] : [])].join(', ');
    const settings = body.slice(end).replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
    const local = `${name}_local`;
    localTables.add(name);
    const columns = body.slice(0, engine.index);
    // A session's rows on one shard keep per-session reads local; other tables spread evenly.
    const shardingKey = /^\s*\(\s*[\s\S]*\bsession\s+String\b/.test(columns) ? 'cityHash64(session)' : 'rand()';
    return [
      `CREATE TABLE IF NOT EXISTS ${dbPart}.${quote(local)} ${onCluster}${columns}ENGINE = Replicated${engineName}(${replicatedArgs})${settings}`,
      `CREATE TABLE IF NOT EXISTS ${dbPart}.${quote(name)} ${onCluster} AS ${dbPart}.${quote(local)} ENGINE = Distributed(${literal(o.cluster)}, ${dbPart}, ${quote(local)}, ${shardingKey})`,
    ];
  }

  const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+${REF}`, 'i').exec(sql);
  if (alter) {
    const [, dbPart = '', namePart = ''] = alter;
    const name = unquote(namePart);
    const rest = sql.slice(alter[0].length);
    // A materialized view's new query reads and writes the local tables, as its CREATE does.
    if (/^\s+MODIFY\s+QUERY\s/i.test(rest)) return [`ALTER TABLE ${dbPart}.${namePart} ${onCluster}${toLocalRefs(rest, localTables)}`];
    if (!localTables.has(name)) return [`ALTER TABLE ${dbPart}.${namePart} ${onCluster}${rest}`];
    const onLocal = `ALTER TABLE ${dbPart}.${quote(`${name}_local`)} ${onCluster}${rest}`;
    // Column changes must reach the Distributed table too; indexes, TTLs, settings live on the data.
    const columns = /\b(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i.test(rest);
    const dataOnly = /\b(INDEX|PROJECTION|TTL|SETTING|CONSTRAINT|DELETE|UPDATE|MATERIALIZE|PARTITION)\b/i.test(rest);
    if (columns && dataOnly) throw new ClusterSchemaError(`ALTER of ${name} mixes column changes with data-only ones: split it into two ALTERs`, sql);
    return columns ? [onLocal, `ALTER TABLE ${dbPart}.${quote(name)} ${onCluster}${rest}`] : [onLocal];
  }

  const drop = new RegExp(String.raw`^DROP\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?${REF}`, 'i').exec(sql);
  if (drop) {
    const [, kind = 'TABLE', , dbPart = '', namePart = ''] = drop;
    const name = unquote(namePart);
    const rest = sql.slice(drop[0].length);
    const out = [`DROP ${kind.toUpperCase()} IF EXISTS ${dbPart}.${namePart} ${onCluster}${rest}`];
    if (localTables.delete(name)) out.push(`DROP TABLE IF EXISTS ${dbPart}.${quote(`${name}_local`)} ${onCluster}${rest}`);
    return out;
  }

  // A data copy between tables (a migration moving rows to a new layout) reads and writes the
  // Distributed tables: run once, on one node, it covers every shard.
  if (new RegExp(String.raw`^INSERT\s+INTO\s+${REF}\s+SELECT\s`, 'i').test(sql)) return [sql];

  throw new ClusterSchemaError('unknown statement kind', sql);
}

/** Points every `db.table` of a local table at `db.table_local` (in views' FROM, JOIN and TO). */
function toLocalRefs(sql: string, localTables: Set<string>): string {
  return sql.replace(new RegExp(REF, 'g'), (whole, dbPart: string, namePart: string) =>
    localTables.has(unquote(namePart)) ? `${dbPart}.${quote(`${unquote(namePart)}_local`)}` : whole,
  );
}

/** Reads an optional `( … )` argument list at `from` (balanced parentheses, quotes respected). */
function readArgs(s: string, from: number): { args: string; end: number } {
  let i = from;
  while (i < s.length && /\s/.test(s[i] ?? '')) i++;
  if (s[i] !== '(') return { args: '', end: from };
  let depth = 0;
  let inQuote: string | null = null;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (inQuote) {
      if (c === '\\') j++;
      else if (c === inQuote) inQuote = null;
    } else if (c === "'" || c === '`' || c === '"') inQuote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { args: s.slice(i + 1, j), end: j + 1 };
  }
  throw new ClusterSchemaError('unbalanced parentheses after ENGINE', s);
}

/** The whole cluster DDL as one script, statements separated by `;` lines (for operators). */
export function clusterSchemaScript(database: string, opts: ClusterSchemaOptions = {}): string {
  const o = { ...DEFAULTS, ...opts };
  const header = [
    `-- Touchpoint schema, cluster variant (generated from collector/src/storage/migrations by cluster-schema.ts).`,
    `-- Needs the macros {shard}, {replica}${o.cluster === DEFAULTS.cluster ? ', {cluster}' : ''} on every server, and Keeper (or ZooKeeper).`,
    `-- Writers inserting through the Distributed tables should set distributed_foreground_insert = 1.`,
    `CREATE DATABASE IF NOT EXISTS ${quote(database)} ON CLUSTER ${literal(o.cluster)};`,
  ];
  const body = readClusterMigrations(database, opts).flatMap((m) => [`\n-- ${m.name}`, ...m.statements.map((s) => `${s};`)]);
  return [...header, ...body].join('\n') + '\n';
}
