/**
 * Which group an alert belongs to, and what it is about within the group (Alertmanager's
 * `group_by`): marketer alerts group by project and reason (failed checkouts, stuck checkouts,
 * the rate alert), SRE alerts by project and rule, so the pages of one metric over its threshold
 * are one group, not one alert each. The project and channel are part of the group's Redis keys.
 */
import type { Alert } from '../interfaces/alert.ts';
import type { GroupMember, GroupRef } from '../store/alert-groups.ts';

export function groupOf(alert: Alert, channel: string): GroupRef {
  if (alert.kind === 'sre') return { project: alert.project, audience: 'sre', key: alert.rule, channel };
  return { project: alert.project, audience: 'marketer', key: alert.reason, channel };
}

export function memberOf(alert: Alert, delivery: string): GroupMember {
  if (alert.kind === 'sre') return { delivery, alert, member: alert.series, state: alert.state };
  if (alert.kind === 'rate') return { delivery, alert, member: `rate/${alert.since}`, state: 'event' };
  const m: GroupMember = { delivery, alert, member: alert.checkout ?? delivery, state: 'event' };
  if (alert.value !== undefined) m.value = alert.value;
  if (alert.currency) m.currency = alert.currency;
  return m;
}
