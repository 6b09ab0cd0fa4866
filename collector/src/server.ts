/** `npm start`: loads the configuration from the environment and runs Touchpoint until signalled. */
import { ConfigError, loadConfig } from './config.ts';
import { RedisServerMissingError } from './redis/private-redis.ts';
import { startTouchpoint } from './touchpoint.ts';

try {
  const tp = await startTouchpoint(loadConfig(process.env));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    tp.logger.info({ signal }, 'shutting down: draining the spool');
    await tp.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError || err instanceof RedisServerMissingError) {
    console.error(`touchpoint: ${err.message}`);
  } else {
    console.error('touchpoint: failed to start:', err);
  }
  process.exit(1);
}
