import type { Storage } from './clickhouse.ts';

export interface TableFootprint {
  table: string;
  rows: number;
  compressedBytes: number;
  uncompressedBytes: number;
}

/**
 * Rows and bytes per table of Touchpoint's database (active parts), for sizing: the bench
 * divides them by the beacons it sent to get rows and bytes per beacon.
 */
export async function tableFootprint(storage: Storage): Promise<TableFootprint[]> {
  const rs = await storage.client.query({
    query: `SELECT table, sum(rows) AS rows, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
            FROM system.parts WHERE active AND database = {db:String} GROUP BY table ORDER BY table`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ table: string; rows: string | number; compressed: string | number; uncompressed: string | number }>();
  return rows.map((r) => ({ table: r.table, rows: Number(r.rows), compressedBytes: Number(r.compressed), uncompressedBytes: Number(r.uncompressed) }));
}
