// The other half of http.ts: performs each request with fetch and wakes the waiting VU thread.
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ port: import('node:worker_threads').MessagePort, signal: Int32Array }} */
const { port, signal } = workerData;

parentPort?.on('message', async (/** @type {{ method: string, url: string, headers: Record<string, string>, body?: string }} */ req) => {
  const t0 = performance.now();
  let out;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(15_000) });
    out = { status: res.status, body: await res.text(), ms: performance.now() - t0 };
  } catch (err) {
    // k6 reports a request without an answer as status 0.
    out = { status: 0, body: String(err), ms: performance.now() - t0 };
  }
  port.postMessage(out);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
