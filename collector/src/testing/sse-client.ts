/**
 * Test support: a prompt channel opened with fetch and read as a stream, as a page's EventSource
 * would, keeping every event and comment it saw.
 */
import type { Prompt } from '@touchpoint/protocol/prompts';

export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
}

export interface SseChannel {
  status: number;
  headers: Headers;
  /** The JSON body of a refused channel. */
  body?: Record<string, unknown>;
  events: SseEvent[];
  /** `:` comment lines seen (heartbeats). */
  comments: number;
  /** True once the server ended the stream. */
  ended: boolean;
  prompts(): Prompt[];
  /** Resolves when the stream ends, or after ms with false. */
  whenEnded(ms: number): Promise<boolean>;
  close(): void;
}

export async function openChannel(url: string, headers: Record<string, string> = {}): Promise<SseChannel> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const ch: SseChannel = {
    status: res.status,
    headers: res.headers,
    events: [],
    comments: 0,
    ended: false,
    prompts: () => ch.events.filter((e) => e.event === 'prompt').map((e) => JSON.parse(e.data ?? '') as Prompt),
    whenEnded: (ms) => Promise.race([reading.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]),
    close: () => abort.abort(),
  };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    ch.body = (await res.json()) as Record<string, unknown>;
    ch.ended = true;
  }
  const reading = ch.ended ? Promise.resolve() : read(res, ch);
  return ch;
}

async function read(res: Response, ch: SseChannel): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) ch.comments++;
          const m = /^(event|id|data|retry): ?(.*)$/.exec(line);
          if (m) event[m[1] as keyof SseEvent] = m[2];
        }
        if (Object.keys(event).length) ch.events.push(event);
      }
    }
  } catch {
    // aborted by close()
  }
  ch.ended = true;
}
