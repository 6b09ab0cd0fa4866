import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROMPT_LINGER_MS, type Prompt } from '@touchpoint/protocol/prompts';
import { createPromptChannel } from './prompt-channel.ts';

/** A stand-in for the browser's EventSource: records what the channel opens and closes. */
class FakeSource {
  static all: FakeSource[] = [];
  listeners: ((m: { data: string }) => void)[] = [];
  closed = false;
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, fn: (m: { data: string }) => void) {
    if (type == 'prompt') this.listeners.push(fn);
  }
  close() {
    this.closed = true;
  }
  send(data: string) {
    for (const fn of this.listeners) fn({ data });
  }
}
const open = () => FakeSource.all.filter((s) => !s.closed);
const doc = { visibilityState: 'visible' };

const nudge: Prompt = { kind: 'nudge', id: 'p1', incident: 'i1', reason: 'checkout_error', lang: 'en', title: 'T', body: 'B', actions: [], sendLabel: 'Send', done: 'Done', close: 'Close' };

function channel(allowed = () => true) {
  const prompts: Prompt[] = [];
  let n = 0;
  const c = createPromptChannel(() => `https://c.example/v1/prompts?n=${++n}`, allowed, (p) => prompts.push(p));
  return { c, prompts };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSource.all = [];
  doc.visibilityState = 'visible';
  vi.stubGlobal('EventSource', FakeSource);
  vi.stubGlobal('document', doc);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('prompt channel timing', () => {
  it('opens once while a checkout is open and stays open without a deadline', () => {
    const { c } = channel();
    expect(open()).toHaveLength(0);
    c.want(Infinity);
    c.want(Infinity);
    expect(open()).toHaveLength(1);
    vi.advanceTimersByTime(60 * 60_000);
    expect(open()).toHaveLength(1);
  });

  it('lingers PROMPT_LINGER_MS after the checkout ends, then closes', () => {
    const { c } = channel();
    c.want(Infinity);
    c.want(PROMPT_LINGER_MS);
    vi.advanceTimersByTime(PROMPT_LINGER_MS - 1);
    expect(open()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(open()).toHaveLength(0);
    expect(FakeSource.all).toHaveLength(1);
  });

  it('a 200 beacon answer opens it for PROMPT_LINGER_MS, extends a shorter want, never shortens a longer one', () => {
    const { c } = channel();
    c.want(PROMPT_LINGER_MS, true);
    expect(open()).toHaveLength(1);
    vi.advanceTimersByTime(40_000);
    c.want(PROMPT_LINGER_MS, true);
    vi.advanceTimersByTime(PROMPT_LINGER_MS - 1);
    expect(open()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(open()).toHaveLength(0);

    c.want(Infinity);
    c.want(PROMPT_LINGER_MS, true);
    vi.advanceTimersByTime(10 * PROMPT_LINGER_MS);
    expect(open()).toHaveLength(1);
  });

  it('closes while the page is hidden and reopens on return only if still wanted', () => {
    const { c } = channel();
    c.want(PROMPT_LINGER_MS);
    doc.visibilityState = 'hidden';
    c.sync();
    expect(open()).toHaveLength(0);
    vi.advanceTimersByTime(10_000);
    doc.visibilityState = 'visible';
    c.sync();
    expect(open()).toHaveLength(1);
    expect(FakeSource.all).toHaveLength(2);
    // Hidden past the deadline: nothing reopens.
    doc.visibilityState = 'hidden';
    c.sync();
    vi.advanceTimersByTime(PROMPT_LINGER_MS);
    doc.visibilityState = 'visible';
    c.sync();
    expect(open()).toHaveLength(0);
  });

  it('a hidden page opens nothing', () => {
    doc.visibilityState = 'hidden';
    const { c } = channel();
    c.want(Infinity);
    expect(FakeSource.all).toHaveLength(0);
  });

  it('never opens without consent (GPC, withdrawal), and closes when it is withdrawn while open', () => {
    let allowed = false;
    const { c, prompts } = channel(() => allowed);
    c.want(Infinity);
    expect(FakeSource.all).toHaveLength(0);
    allowed = true;
    c.want(Infinity);
    const source = open()[0]!;
    source.send(JSON.stringify(nudge));
    expect(prompts).toEqual([nudge]);
    allowed = false;
    source.send(JSON.stringify({ ...nudge, id: 'p2' }));
    expect(prompts).toHaveLength(1);
    expect(source.closed).toBe(true);
  });

  it('reads the URL when it opens (the session id is read late), and skips data that is not JSON', () => {
    const { c, prompts } = channel();
    c.want(Infinity);
    expect(FakeSource.all[0]!.url).toBe('https://c.example/v1/prompts?n=1');
    expect(() => FakeSource.all[0]!.send('not json')).not.toThrow();
    expect(prompts).toHaveLength(0);
  });
});
