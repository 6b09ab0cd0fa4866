import type { Prompt } from '@touchpoint/protocol/prompts';

export interface PromptChannel {
  /** Wants the channel for `ms` more (Infinity: until told otherwise); `extend` never shortens a longer want. */
  want(ms: number, extend?: boolean): void;
  /** Opens or closes it to match the want, the page's visibility and consent (call on visibilitychange). */
  sync(): void;
}

/**
 * The prompt channel (Server-Sent Events, PROMPT_CHANNEL_PATH), open only while a prompt can be
 * due and the page is visible, so an idle or hidden page holds no connection. `allowed` false (Global
 * Privacy Control, consent withdrawn) keeps it shut. EventSource reconnects by itself after a
 * network failure and stops for good on an error answer.
 */
export function createPromptChannel(url: () => string, allowed: () => boolean, onPrompt: (p: Prompt) => void): PromptChannel {
  let until = 0;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sync = () => {
    clearTimeout(timer);
    const left = until - Date.now();
    if (left > 0 && document.visibilityState != 'hidden' && allowed()) {
      if (!source) {
        source = new EventSource(url());
        source.addEventListener('prompt', (m) => {
          try {
            // A withdrawal made while the channel was open: it closes before anything is shown.
            if (allowed()) onPrompt(JSON.parse(m.data));
            else sync();
          } catch {
            // Not a prompt: nothing to show, and no error of ours in the shop's error counts.
          }
        });
      }
      if (left < Infinity) timer = setTimeout(sync, left);
    } else {
      source?.close();
      source = undefined;
    }
  };
  return {
    want(ms, extend) {
      until = Math.max(extend ? until : 0, Date.now() + ms);
      sync();
    },
    sync,
  };
}
