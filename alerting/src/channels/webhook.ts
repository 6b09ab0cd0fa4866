/**
 * JSON webhooks (customer outreach for social or CRM tools, marketer and SRE alerts). Each POST
 * carries `Idempotency-Key: <delivery id>` so a receiver can drop the copy sent again after a
 * crash in the window between its 2xx and our "sent" marker.
 */
import { ChannelError } from './channel-error.ts';

export interface WebhookChannel {
  post(url: string, deliveryId: string, body: object): Promise<void>;
}

export function createWebhookChannel(opts: { timeoutMs: number }): WebhookChannel {
  return {
    async post(url, deliveryId, body) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': deliveryId, 'user-agent': 'touchpoint-alerting' },
          body: JSON.stringify(body),
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
