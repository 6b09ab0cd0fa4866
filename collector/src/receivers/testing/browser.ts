/** Test support: Debian's headless Chromium via playwright-core, with the flags used here. */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium.ts';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
