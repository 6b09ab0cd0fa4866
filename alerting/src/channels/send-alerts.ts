/**
 * Hands alerts to one destination in that destination's form: email in words, the generic
 * webhook's v1 JSON, a Slack or a Teams message. Always a list of alerts of one project: one
 * alert, or several at once. That is the seam for anything that gathers alerts before sending
 * (the email digest, store/alert-digest.ts; alert groups, store/alert-groups.ts): gather, then
 * call this, with `group` saying what the group is so far when it is a group's message.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert } from '../interfaces/alert.ts';
import type { CopyOptions } from './alert-copy.ts';
import type { AlertDestination } from './alert-destinations.ts';
import { renderAlertEmail, renderAlertGroupEmail } from './alert-email.ts';
import { ChannelError } from './channel-error.ts';
import type { EmailChannel } from './email.ts';
import { slackGroupMessage, slackMessage } from './slack.ts';
import { teamsGroupMessage, teamsMessage } from './teams.ts';
import type { WebhookChannel } from './webhook.ts';
import { webhookGroupPayload, webhookPayload } from './webhook-payload.ts';

export interface AlertSenders {
  email?: EmailChannel;
  webhook: WebhookChannel;
}

export async function sendAlerts(
  senders: AlertSenders,
  dest: AlertDestination,
  deliveryId: string,
  alerts: readonly Alert[],
  copy: CopyOptions & { everyMs?: number },
  group?: AlertGroupNote,
): Promise<void> {
  // A group's closing message may list nothing; anything else tells at least one alert.
  if (alerts.length === 0 && !group) throw new ChannelError('nothing to send: an alert delivery without alerts', true);
  switch (dest.channel) {
    case 'email': {
      if (!senders.email) throw new ChannelError('email alerts need TOUCHPOINT_SMTP_URL', true);
      const m = group ? renderAlertGroupEmail(group, alerts, copy) : renderAlertEmail(alerts, copy);
      // The shop's name in the From name too, so alerts for several shops sort at a glance.
      await senders.email.send({ deliveryId, to: dest.to, subject: m.subject, text: m.text, html: m.html, language: m.language, fromName: `Touchpoint · ${group?.shop ?? alerts[0]?.shop ?? ''}` });
      return;
    }
    case 'webhook':
      return senders.webhook.post(dest.url, deliveryId, group ? webhookGroupPayload(group, alerts, copy) : webhookPayload(alerts, copy), dest.secrets);
    case 'slack':
      return senders.webhook.post(dest.url, deliveryId, group ? slackGroupMessage(group, alerts, copy) : slackMessage(alerts, copy), dest.secrets);
    case 'teams':
      return senders.webhook.post(dest.url, deliveryId, group ? teamsGroupMessage(group, alerts, copy) : teamsMessage(alerts, copy), dest.secrets);
  }
}
