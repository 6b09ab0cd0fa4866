/** Test support: a real Touchpoint (chDB + private Redis) serving the dashboards, the query API, the live endpoint and the outreach API on one origin. */
import type { Touchpoint } from '@touchpoint/node';
import { startTestTouchpoint } from '@touchpoint/node/testing';

export interface DashboardsServer {
  tp: Touchpoint;
  /** Origin serving /dashboards/ and /api/. */
  url: string;
  close(): Promise<void>;
}

export async function startDashboardsServer(env: Record<string, string> = {}): Promise<DashboardsServer> {
  const tp = await startTestTouchpoint(env);
  return { tp, url: tp.url, close: () => tp.close() };
}
