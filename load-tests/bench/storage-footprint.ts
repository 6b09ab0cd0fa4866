// After Touchpoint has stopped, opens its embedded data directory to read rows and bytes per
// table: the figures the sizing note turns into ClickHouse disk and insert rates.
import { join } from 'node:path';
import { openClickHouse } from '@touchpoint/collector/storage/clickhouse';
import { tableFootprint, type TableFootprint } from '@touchpoint/collector/storage/table-footprint';

export interface StorageFootprint {
  tables: TableFootprint[];
  /** Rows in the raw event tables (not the per-minute rollups). */
  rawRows: number;
  compressedBytes: number;
  rawRowsPerBeacon: number;
  compressedBytesPerBeacon: number;
}

export async function measureStorage(dataDir: string, beacons: number): Promise<StorageFootprint> {
  const storage = await openClickHouse({ dataDir: join(dataDir, 'clickhouse'), database: 'touchpoint' });
  try {
    const tables = (await tableFootprint(storage)).filter((t) => t.rows > 0);
    const rawRows = tables.filter((t) => !/_1m$|^schema_migrations$/.test(t.table)).reduce((s, t) => s + t.rows, 0);
    const compressedBytes = tables.reduce((s, t) => s + t.compressedBytes, 0);
    return { tables, rawRows, compressedBytes, rawRowsPerBeacon: rawRows / beacons, compressedBytesPerBeacon: compressedBytes / beacons };
  } finally {
    await storage.close();
  }
}
