import { scrubBrowserText } from '@touchpoint/protocol/privacy';
import type { Emit } from './emit.ts';

/**
 * Failed fetch and XHR calls: status >= 400, or 0 when the network failed. Requests to the
 * collector itself (`ignorePrefix`) are left out, or a collector in trouble would be reported
 * to itself in a loop.
 */
export function captureFailedRequests(emit: Emit, ignorePrefix: string): void {
  const report = (method: string, url: string, status: number, start: number) => {
    // Runs inside the page's own fetch chain: a throw here would fail the page's request.
    try {
      const abs = new URL(url, location.href).href;
      if (!abs.startsWith(ignorePrefix)) {
        emit({ type: 'http', at: Date.now(), method: method.toUpperCase(), url: scrubBrowserText(abs, 2048), status, duration: Math.round(performance.now() - start) });
      }
    } catch {
      // An unparseable URL: nothing worth reporting.
    }
  };

  const nativeFetch = window.fetch;
  window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const start = performance.now();
    // A Request carries its own method and url; a string or URL takes them from init.
    const req = input as Partial<Request>;
    const method = init?.method || req.method || 'GET';
    const url = req.url || String(input);
    return nativeFetch.call(this, input, init).then(
      (r) => {
        if (r.status >= 400) report(method, url, r.status, start);
        return r;
      },
      (err: unknown) => {
        // An abort is the page's own decision, not a failure of the network.
        if ((err as Error | undefined)?.name != 'AbortError') report(method, url, 0, start);
        throw err;
      },
    );
  };

  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  type Tracked = XMLHttpRequest & { _tp?: [method: string, url: string] };
  proto.open = function (this: Tracked, method: string, url: string | URL, ...rest: unknown[]) {
    this._tp = [method, String(url)];
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;
  proto.send = function (this: Tracked, body) {
    const start = performance.now();
    let aborted = false;
    this.addEventListener('abort', () => (aborted = true));
    this.addEventListener('loadend', () => {
      const t = this._tp;
      if (t && !aborted && (this.status >= 400 || this.status == 0)) report(t[0], t[1], this.status, start);
    });
    return send.call(this, body);
  };
}
