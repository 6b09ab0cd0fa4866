/**
 * `npm start`: reads every setting, starts Touchpoint and runs until signalled. A coded error
 * (an invalid setting or projects file, no redis-server…) is one line on stderr and exit 1:
 * settings are all checked before anything is started.
 */
import { TouchpointError } from '@touchpoint/protocol/errors';
import { loadConfig } from './config.ts';
import { startTouchpoint } from './start.ts';

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
  if (err instanceof TouchpointError) {
    console.error(`touchpoint: ${err.code}: ${err.message}`);
  } else {
    console.error('touchpoint: failed to start:', err);
  }
  process.exit(1);
}
