/**
 * A standalone alerting worker for tests that kill it (`node --import tsx worker-process.ts`).
 * Reads REDIS_URL and the TOUCHPOINT_* alerting variables; prints `ready` once consuming.
 * The outreach log stays in memory: this process exists to be killed.
 */
import { Registry } from 'prom-client';
import { loadAlertingConfig } from '../config.ts';
import { startAlerting } from '../start-alerting.ts';
import { MemoryOutreachLog } from './memory-outreach-log.ts';
import { noRollups } from './no-rollups.ts';
import { silentLogger } from './signals.ts';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('set REDIS_URL');
const alerting = await startAlerting({
  redisUrl,
  config: loadAlertingConfig(process.env),
  outreachLog: new MemoryOutreachLog(),
  rollups: noRollups,
  registry: new Registry(),
  logger: silentLogger,
  projects: [],
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => void alerting.close().then(() => process.exit(0)));
