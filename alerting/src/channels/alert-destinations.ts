/**
 * Where marketer and SRE alerts go: email (TOUCHPOINT_ALERT_EMAIL / TOUCHPOINT_SRE_EMAIL, with
 * SMTP), the generic JSON webhook, Slack and Teams, each with its own signing secrets.
 */
import type { AlertingConfig } from '../config.ts';
import type { ChannelName } from '@touchpoint/protocol/outreach';

export type AlertDestination =
  | { channel: 'email'; to: string }
  | { channel: Exclude<ChannelName, 'email'>; url: string; secrets: readonly string[] };

export function alertDestinations(config: AlertingConfig, audience: 'marketer' | 'sre', smtp: boolean): AlertDestination[] {
  const s = config.webhookSecrets;
  const out: AlertDestination[] = [];
  const hook = (channel: Exclude<ChannelName, 'email'>, url: string | undefined, secrets: readonly string[]) => {
    if (url) out.push({ channel, url, secrets });
  };
  if (audience === 'marketer') {
    hook('webhook', config.alertWebhook, s.alert);
    hook('slack', config.alertSlackWebhook, s.alertSlack);
    hook('teams', config.alertTeamsWebhook, s.alertTeams);
    if (config.alertEmail && smtp) out.push({ channel: 'email', to: config.alertEmail });
  } else {
    hook('webhook', config.sreWebhook, s.sre);
    hook('slack', config.sreSlackWebhook, s.sreSlack);
    hook('teams', config.sreTeamsWebhook, s.sreTeams);
    if (config.sreEmail && smtp) out.push({ channel: 'email', to: config.sreEmail });
  }
  return out;
}
