import type { EngineConnection } from '../storage/clickhouse.ts';

export interface Faults {
  /** Every call fails as if the server were unreachable. */
  down: boolean;
  /** Inserts reach the engine, then the caller is told they failed (a lost response). */
  loseInsertResponses: boolean;
}

/**
 * Wraps the real engine connection so a test can make ClickHouse unavailable, or make a write
 * land while its response is lost, without mocking the engine itself.
 */
export function faultyConnection(faults: Faults): (conn: EngineConnection) => EngineConnection {
  const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED (fault injected)'), { code: 'ECONNREFUSED' }));
  return (conn) => ({
    ping: (p) => (faults.down ? Promise.resolve({ success: false, error: new Error('down (fault injected)') }) : conn.ping(p)),
    query: (p) => (faults.down ? refused() : conn.query(p)),
    exec: (p) => (faults.down ? refused() : conn.exec(p)),
    insert: (p) => (faults.down ? refused() : conn.insert(p)),
    command: async (p) => {
      if (faults.down) return refused();
      const result = await conn.command(p);
      if (faults.loseInsertResponses && /^\s*INSERT/i.test(p.query)) return refused();
      return result;
    },
    insertRaw: async (p) => {
      if (faults.down) return refused();
      await conn.insertRaw(p);
      if (faults.loseInsertResponses) return refused();
    },
    close: () => conn.close(),
  });
}
