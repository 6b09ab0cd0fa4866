import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type Storage } from './clickhouse.ts';
import { ClusterSchemaError, clusterSchemaScript, readClusterMigrations, toCluster } from './cluster-schema.ts';
import { readMigrations } from './migrate.ts';

// No cluster here: the engine's own parser (formatQuery) checks every generated statement,
// which it does for ON CLUSTER and Replicated engines without Keeper.
let dir: string;
let storage: Storage;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-cluster-schema-'));
  storage = await openClickHouse({ dataDir: dir, database: 'tp_cluster_schema_test' });
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function format(sql: string): Promise<string> {
  const rs = await storage.client.query({ query: 'SELECT formatQuery({sql:String}) AS f', query_params: { sql }, format: 'JSONEachRow' });
  const [row] = await rs.json<{ f: string }>();
  if (!row) throw new Error('formatQuery returned no row');
  return row.f;
}

describe('cluster schema', () => {
  const database = 'touchpoint';
  const cluster = readClusterMigrations(database);
  const statements = cluster.flatMap((m) => m.statements);
  const single = readMigrations(database).flatMap((m) => m.statements);

  it('parses every generated statement with the engine', async () => {
    expect(statements.length).toBeGreaterThan(single.length);
    for (const s of statements) {
      const f = await format(s);
      // A data copy runs once, through the Distributed tables; everything else on every node.
      if (!s.startsWith('INSERT INTO')) expect(f, s).toMatch(/ON CLUSTER [`']\{cluster\}[`']/);
    }
  });

  it('the parser check can fail: a broken statement is refused', async () => {
    await expect(format("CREATE TABLE t ON CLUSTER '{cluster}' (a UInt8) ENGINE = ReplicatedMergeTree('/p', '{replica}' ORDER BY a")).rejects.toThrow();
  });

  it('turns each MergeTree table into a replicated _local table and a Distributed one under its name', async () => {
    const tables = single.filter((s) => !/ENGINE = Null$/.test(s)).flatMap((s) => /^CREATE TABLE IF NOT EXISTS `touchpoint`\.(\w+)/.exec(s)?.[1] ?? []);
    expect(tables.length).toBeGreaterThan(5);
    for (const t of tables) {
      const local = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS \`touchpoint\`.\`${t}_local\``));
      const dist = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS \`touchpoint\`.\`${t}\``));
      expect(local, t).toBeDefined();
      expect(dist, t).toBeDefined();
      const f = await format(local ?? '');
      expect(f).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/);
      expect(f).not.toMatch(/non_replicated_deduplication_window/);
      expect(await format(dist ?? '')).toMatch(new RegExp(`AS touchpoint\\.${t}_local\\s+ENGINE = Distributed\\('\\{cluster\\}', touchpoint, ${t}_local, (cityHash64\\(session\\)|rand\\(\\))\\)`));
    }
    // Engine arguments stay, after the replication ones.
    expect(statements.find((s) => s.includes('`events_1m_local`'))).toMatch(/ReplicatedSummingMergeTree\('[^']+', '\{replica\}', count\)/);
    expect(statements.find((s) => s.includes('`timings_1m_local`'))).toMatch(/ReplicatedAggregatingMergeTree\(/);
    // Migration 003's rollups, and the ones it replaces dropped on both ends.
    expect(statements.find((s) => s.includes('`timings_local`'))).toMatch(/ReplicatedAggregatingMergeTree\([^)]*\)[\s\S]*index_granularity = 256/);
    expect(statements.find((s) => s.includes('`page_loads_1h_local`'))).toMatch(/ReplicatedAggregatingMergeTree\(/);
    // Migration 005: page loads by hour, copied once through the Distributed tables, then the old table dropped.
    expect(statements.find((s) => s.includes('`page_loads_local`'))).toMatch(/ReplicatedAggregatingMergeTree\([\s\S]*PARTITION BY hour/);
    const copy = statements.filter((s) => s.startsWith('INSERT INTO'));
    expect(copy).toEqual(['INSERT INTO `touchpoint`.page_loads SELECT * FROM `touchpoint`.page_loads_1h SETTINGS max_partitions_per_insert_block = 0']);
    expect(statements).toContain("DROP TABLE IF EXISTS `touchpoint`.`page_loads_1h_local` ON CLUSTER '{cluster}'");
    expect(statements).toContain("DROP TABLE IF EXISTS `touchpoint`.`timings_1m_local` ON CLUSTER '{cluster}'");
  });

  it('points materialized views at local tables on both ends; the intake table stays one per server', () => {
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThan(0);
    for (const v of views) {
      expect(v).toMatch(/ TO `touchpoint`\.`\w+_local` AS/);
      expect(v).toMatch(/FROM `touchpoint`\.(`\w+_local`|beacon_intake)/);
    }
    const intake = statements.filter((s) => /`touchpoint`\.`?beacon_intake/.test(s) && s.startsWith('CREATE TABLE'));
    expect(intake).toHaveLength(1);
    expect(intake[0]).toMatch(/ON CLUSTER '\{cluster\}'[\s\S]*ENGINE = Null$/);
    expect(statements.some((s) => s.includes('beacon_intake_local'))).toBe(false);
    // Migration 007 changes views in place: their new queries read the local tables too.
    const modified = statements.filter((s) => /^ALTER TABLE `touchpoint`\.\w+ ON CLUSTER '\{cluster\}'\s+MODIFY QUERY/.test(s));
    expect(modified.length).toBeGreaterThanOrEqual(12);
    for (const v of modified) {
      expect(v).toMatch(/FROM `touchpoint`\.(`\w+_local`|beacon_intake)/);
      expect(v).not.toMatch(/FROM `touchpoint`\.(vitals|navigations|checkouts)\b/);
    }
    expect(modified.find((s) => s.includes('timings_from_vitals'))).toMatch(/FROM `touchpoint`\.`vitals_local`\s+WHERE test_traffic = ''/);
    // Its new columns reach the local and the Distributed tables; the intake stays one table per server.
    expect(statements.filter((s) => /^ALTER TABLE `touchpoint`\.`(beacons|beacons_local)` ON CLUSTER[\s\S]*ADD COLUMN IF NOT EXISTS release/.test(s))).toHaveLength(2);
    expect(statements.filter((s) => /^ALTER TABLE `touchpoint`\.`?beacon_intake`? ON CLUSTER[\s\S]*ADD COLUMN IF NOT EXISTS test_traffic/.test(s))).toHaveLength(1);
  });

  it('handles later ALTERs and DROPs, and refuses what it does not know', async () => {
    const seen = new Set<string>();
    toCluster('CREATE TABLE IF NOT EXISTS `db`.things (session String, n UInt8) ENGINE = ReplacingMergeTree(n) ORDER BY session', seen);
    const add = toCluster('ALTER TABLE `db`.things ADD COLUMN IF NOT EXISTS extra String', seen);
    expect(add).toHaveLength(2);
    expect(add[0]).toContain('`things_local` ON CLUSTER');
    const ttl = toCluster('ALTER TABLE `db`.things MODIFY TTL now() + INTERVAL 1 DAY', seen);
    expect(ttl).toHaveLength(1);
    const drop = toCluster('DROP TABLE IF EXISTS `db`.things', seen);
    expect(drop).toHaveLength(2);
    for (const s of [...add, ...ttl, ...drop]) await format(s);
    expect(() => toCluster('INSERT INTO `db`.things VALUES (1)', seen)).toThrow(ClusterSchemaError);
    toCluster('CREATE TABLE IF NOT EXISTS `db`.more (n UInt8) ENGINE = MergeTree ORDER BY n', seen);
    expect(() => toCluster('ALTER TABLE `db`.more ADD COLUMN m UInt8, ADD INDEX i m TYPE minmax', seen)).toThrow(/split it/);
    expect(() => toCluster('CREATE MATERIALIZED VIEW `db`.v ENGINE = MergeTree ORDER BY x AS SELECT 1 AS x', seen)).toThrow(/without TO/);
  });

  it('prints one script for operators, with a named cluster when asked', () => {
    const script = clusterSchemaScript('touchpoint', { cluster: 'touchpoint_cluster' });
    expect(script).toMatch(/^-- Touchpoint schema, cluster variant/);
    expect(script).toContain("ON CLUSTER 'touchpoint_cluster'");
    expect(script).toContain("Distributed('touchpoint_cluster'");
    expect(script).not.toContain('{cluster}');
  });
});
