/**
 * Links from alerts into the dashboards (served at /dashboards/ under TOUCHPOINT_PUBLIC_URL).
 * The view and its state live in the URL hash (dashboards/public/lib/state.js): a fixed
 * `from`/`to` window, and for the marketer view the one checkout the alert is about.
 */
const HOUR = 3_600_000;
/** A checkout is counted in the window it was first received in: start the window well before it failed or got stuck. */
const CHECKOUT_LOOKBACK_MS = 24 * HOUR;

function dashboards(publicUrl: string, view: 'marketer' | 'sre', params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `${publicUrl}/dashboards/#${view}?${q}`;
}

export function checkoutLink(publicUrl: string, project: string, checkout: string | undefined, at: number): string {
  return dashboards(publicUrl, 'marketer', { project, checkout, from: at - CHECKOUT_LOOKBACK_MS, to: at + HOUR });
}

export function marketerWindowLink(publicUrl: string, project: string, from: number, to: number): string {
  return dashboards(publicUrl, 'marketer', { project, from, to });
}

/** The SRE view on the rule's metric (and page), the hour before the alert and a little after. */
export function sreLink(publicUrl: string, project: string, at: number, metric: string | undefined, path: string | null): string {
  // The view charts timings; for the error-rate rule it opens on its default metric.
  const timing = metric && metric !== 'error_rate_percent' ? metric : undefined;
  return dashboards(publicUrl, 'sre', { project, metric: timing, path: path ?? undefined, from: at - HOUR, to: at + 15 * 60_000 });
}
