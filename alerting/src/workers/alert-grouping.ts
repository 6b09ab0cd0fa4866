/**
 * Alert grouping (TOUCHPOINT_ALERT_GROUP_*), a wrapper around sendAlerts as the digest is: an
 * alert's delivery is held in its group (store/alert-groups.ts) instead of being sent, and the
 * group's flush deliveries, due after the group wait and then every group interval, send what
 * the group gathered as one message. Flush ids are deterministic (group, when it opened, its
 * number), so queueing one twice is a no-op and a retried flush sends the same message.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert, SreAlert } from '../interfaces/alert.ts';
import type { DeliveryJob } from '../interfaces/jobs.ts';
import { groupOf, memberOf } from '../lib/alert-group-key.ts';
import { marketerWindowLink, sreLink } from '../lib/dashboard-links.ts';
import { joinId } from '../lib/ids.ts';
import type { AlertGroups, GroupFlush, GroupRef } from '../store/alert-groups.ts';
import type { AlertingContext } from './context.ts';

/** Alerts one group message lists; the rest are counted ("…and 12 more") and are in the dashboards. */
export const MAX_LISTED = 100;
/** The marketer view over a group starts this long before its first alert: a checkout counts where it started. */
const CHECKOUT_LOOKBACK_MS = 24 * 3_600_000;

async function queueFlush(ctx: AlertingContext, g: GroupRef, f: GroupFlush): Promise<void> {
  const d: DeliveryJob = {
    id: joinId(g.audience, g.project, 'group', g.key, String(f.created), String(f.seq), g.channel),
    audience: g.audience,
    channel: g.channel as DeliveryJob['channel'],
    project: g.project,
    reason: 'group',
    incident: joinId('group', g.key, String(f.created)),
    incidentAt: f.created,
    startedAt: f.created,
    group: { key: g.key, created: f.created, seq: f.seq },
  };
  await ctx.queues.addDelivery(d, Math.max(0, f.dueAt - ctx.now()));
}

/** Holds a one-alert delivery in its group; false when grouping is off or the delivery is not one alert. */
export async function holdInGroup(ctx: AlertingContext, groups: AlertGroups | undefined, d: DeliveryJob): Promise<boolean> {
  const [alert, ...rest] = d.alerts ?? [];
  if (!groups || !alert || rest.length > 0) return false;
  const g = groupOf(alert, d.channel);
  const flush = await groups.add(g, memberOf(alert, d.id), ctx.now());
  // Every time, not only when the group opened: a worker killed between the add and the queueing
  // would otherwise leave the group waiting for a flush nobody queued (the id makes it a no-op).
  await queueFlush(ctx, g, flush);
  return true;
}

function refOf(d: DeliveryJob): GroupRef {
  return { project: d.project, audience: d.audience === 'sre' ? 'sre' : 'marketer', key: d.group?.key ?? '', channel: d.channel };
}

function linkOf(ctx: AlertingContext, g: GroupRef, alerts: readonly Alert[], since: number, latest: number): string {
  if (g.audience === 'marketer') return marketerWindowLink(ctx.config.publicUrl, g.project, since - CHECKOUT_LOOKBACK_MS, latest + 3_600_000);
  return sreLink(ctx.config.publicUrl, g.project, latest, alerts.find((a): a is SreAlert => a.kind === 'sre')?.metric, null);
}

/**
 * The message a group's flush delivery sends (undefined: nothing to tell), after queueing the
 * group's next flush, so that a retry of a flush that was sent finds its successor queued.
 */
export async function takeGroupMessage(ctx: AlertingContext, groups: AlertGroups, d: DeliveryJob): Promise<{ alerts: Alert[]; note?: AlertGroupNote } | undefined> {
  if (!d.group) return undefined;
  const g = refOf(d);
  const take = await groups.take(g, d.group, ctx.now());
  if (take.next) await queueFlush(ctx, g, take.next);
  if (take.kind === 'none' || take.kind === 'gone') return undefined;
  // A group that only ever had one alert tells it as that alert (firing, then resolved).
  const [only] = take.alerts;
  if (only && take.alerts.length === 1 && take.total <= 1 && take.kind !== 'repeat') return { alerts: [only] };
  const listed = take.alerts.slice(0, MAX_LISTED);
  const project = ctx.project(d.project);
  const note: AlertGroupNote = {
    audience: g.audience,
    key: g.key,
    kind: take.kind,
    project: d.project,
    shop: project.name ?? project.id,
    since: take.since,
    latest: take.latest,
    total: take.total,
    firing: take.firing,
    atRisk: take.atRisk,
    unlisted: take.alerts.length - listed.length,
    intervalMs: ctx.config.alertGrouping?.intervalMs ?? 0,
    link: linkOf(ctx, g, take.alerts, take.since, take.latest),
  };
  return { alerts: listed, note };
}

/** After a group message was handed over. */
export async function groupMessageSent(groups: AlertGroups, d: DeliveryJob): Promise<void> {
  if (d.group) await groups.sent(refOf(d), d.group);
}
