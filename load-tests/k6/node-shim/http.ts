// k6/http for the Node shim: synchronous requests, as k6's are. A worker thread does the fetch
// while this thread blocks on Atomics.wait, then reads the answer with receiveMessageOnPort.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { record } from './samples.ts';

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseCallback?: unknown;
  responseType?: string;
}

export interface ShimResponse {
  status: number;
  body: string;
  json(): unknown;
}

const { port1, port2 } = new MessageChannel();
const signal = new Int32Array(new SharedArrayBuffer(4));
// Plain JS and no --import hooks in the worker: module hooks talk to the main thread, which
// is blocked in Atomics.wait while a request runs.
const worker = new Worker(new URL('./http-worker.js', import.meta.url), { workerData: { port: port2, signal }, transferList: [port2], execArgv: [] });
worker.unref();

function request(method: string, url: string, body: string | undefined, params: Params = {}): ShimResponse {
  Atomics.store(signal, 0, 0);
  worker.postMessage({ method, url, headers: params.headers ?? {}, ...(body === undefined ? {} : { body }) });
  Atomics.wait(signal, 0, 0, 20_000);
  const answer = receiveMessageOnPort(port1)?.message as { status: number; body: string; ms: number } | undefined;
  const status = answer?.status ?? 0;
  const text = answer?.body ?? '';
  const tags = params.tags ?? {};
  record('http_reqs', 1, tags);
  // k6's default: 2xx and 3xx are expected, anything else (and no answer) failed.
  record('http_req_failed', status >= 200 && status < 400 ? 0 : 1, tags);
  record('http_req_duration', answer?.ms ?? 0, tags);
  return { status, body: text, json: () => JSON.parse(text) };
}

export default {
  post: (url: string, body: string, params?: Params) => request('POST', url, body, params),
  get: (url: string, params?: Params) => request('GET', url, undefined, params),
  expectedStatuses: (...codes: number[]) => ({ codes }),
};
