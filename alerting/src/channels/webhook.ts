/**
 * POSTs JSON to a webhook: the generic one (customer outreach for social or CRM tools, marketer
 * and SRE alerts), and Slack and Teams, whose payloads channels/slack.ts and channels/teams.ts
 * build. Each POST carries `Idempotency-Key: <delivery id>` so a receiver can drop the copy sent
 * again after a crash in the window between its 2xx and our "sent" marker, and, when the
 * destination has secrets, a timestamp and signature (lib/webhook-signature.ts; Slack and Teams
 * ignore extra headers, a proxy in front of them may check).
 */
import { ChannelError } from './channel-error.ts';
import { signatureHeaders } from '../lib/webhook-signature.ts';

export interface WebhookChannel {
  post(url: string, deliveryId: string, body: object, secrets?: readonly string[]): Promise<void>;
}

export function createWebhookChannel(opts: { timeoutMs: number; now?: () => number }): WebhookChannel {
  const now = opts.now ?? Date.now;
  return {
    async post(url, deliveryId, body, secrets = []) {
      // Signed and sent as the same string: a receiver verifies the bytes it got.
      const json = JSON.stringify(body);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': deliveryId,
            'user-agent': 'touchpoint-alerting',
            ...signatureHeaders(json, secrets, now()),
          },
          body: json,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        throw new ChannelError(`webhook ${new URL(url).host}: ${(err as Error).message}`, false);
      }
      await res.arrayBuffer().catch(() => undefined); // drain so the connection is reused
      if (res.ok) return;
      // 408 and 429 ask us to come back later; other 4xx will not get better by retrying.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new ChannelError(`webhook ${new URL(url).host} answered ${res.status}`, permanent);
    },
  };
}
