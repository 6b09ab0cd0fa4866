/**
 * Test support: a captured SDK payload with every time moved so that its latest is `now`
 * (Faro's ISO `timestamp`s, OTLP's `…UnixNano`), so fixtures land in today's query window.
 */
export function shiftTimes<T>(payload: T, now = Date.now()): T {
  let latest = 0;
  walk(payload, (key, v) => {
    const t = toMs(key, v);
    if (t !== undefined) latest = Math.max(latest, t);
    return v;
  });
  const delta = now - latest;
  return walk(structuredClone(payload), (key, v) => {
    const t = toMs(key, v);
    if (t === undefined) return v;
    return key === 'timestamp' ? new Date(t + delta).toISOString() : String(BigInt(String(v)) + BigInt(Math.round(delta)) * 1_000_000n);
  });
}

function toMs(key: string, v: unknown): number | undefined {
  if (key === 'timestamp' && typeof v === 'string') return Date.parse(v);
  if (key.endsWith('UnixNano') && (typeof v === 'string' || typeof v === 'number')) return Number(v) / 1e6;
  return undefined;
}

function walk<T>(value: T, fn: (key: string, v: unknown) => unknown): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (v && typeof v === 'object') visit(v);
        else o[k] = fn(k, v);
      }
    }
  };
  visit(value);
  return value;
}
