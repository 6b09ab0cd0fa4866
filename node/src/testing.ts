/**
 * Test support for every workspace (`@touchpoint/node/testing`): a real Touchpoint (chDB +
 * private redis-server) in a temp dir, beacon builders and HTTP helpers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import type { TestTraffic } from '@touchpoint/protocol/api/common';
import type { Summary } from '@touchpoint/protocol/api/summary';
import { loadConfig } from './config.ts';
import { startTouchpoint, type StartOptions, type Touchpoint } from './start.ts';

export const ADMIN_TOKEN = 'test-admin-token';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tp-${prefix}-`));
}

/** A projects file (TOUCHPOINT_PROJECTS) listing `projects`, in `dir` (default: a new temp dir); returns its path. */
export function writeProjectsFile(projects: Record<string, unknown>[], dir = tempDir('projects')): string {
  const file = join(dir, 'projects.json');
  writeFileSync(file, JSON.stringify({ projects }));
  return file;
}

export async function startTestTouchpoint(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<Touchpoint> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tempDir('data'),
    TOUCHPOINT_ADMIN_TOKEN: ADMIN_TOKEN,
    TOUCHPOINT_FLUSH_INTERVAL_MS: '200',
    TOUCHPOINT_ROLES: 'collector',
    ...env,
  });
  const tp = await startTouchpoint(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' }), ...opts });
  running.add(tp);
  const close = tp.close;
  tp.close = () => {
    running.delete(tp);
    return close();
  };
  return tp;
}

export function beacon(events: BeaconEvent[], over: Partial<Beacon> = {}): Beacon {
  const now = Date.now();
  return { v: 1, session: `s-${Math.random().toString(36).slice(2, 10)}`, page: 'https://shop.example/products/kettle', sentAt: now, events, ...over };
}

export function vital(name: 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB', value: number): BeaconEvent {
  return { type: 'vital', at: Date.now(), name, value };
}

export async function postBeacon(tp: Touchpoint, body: unknown, opts: { key?: string; headers?: Record<string, string>; raw?: boolean } = {}) {
  const res = await fetch(`${tp.url}/v1/beacon?key=${opts.key ?? 'demo'}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...opts.headers },
    body: opts.raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

export async function getJson<T = Record<string, unknown>>(tp: Touchpoint, path: string, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${tp.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** The summary of the demo project around now. */
export async function summary(tp: Touchpoint, filter: { session?: string; customer?: string; test?: TestTraffic } = {}) {
  const now = Date.now();
  const q = new URLSearchParams({ from: String(now - 3600_000), to: String(now + 60_000), ...filter });
  const res = await getJson<Summary>(tp, `/api/v1/projects/demo/summary?${q}`);
  if (res.status !== 200) throw new Error(`summary answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${await diagnosis()}`);
    await sleep(stepMs);
  }
}

const running = new Set<Touchpoint>();

/** What the ingest pipeline of each running test Touchpoint was doing, for a timed-out wait. */
async function diagnosis(): Promise<string> {
  let out = '';
  for (const tp of running) {
    const spool = tp.ingest?.spool;
    const metrics = (await tp.registry.metrics()).split('\n').filter((l) => /^touchpoint_(spool|beacons_total|spool_sink|batch_rows_count)/.test(l));
    out += `\n${tp.url}: spool ${spool?.bytes} bytes, ${spool?.sealed.length} sealed, writer healthy ${tp.ingest?.writer.healthy}\n  ${metrics.join('\n  ')}`;
  }
  return out;
}
