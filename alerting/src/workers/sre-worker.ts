/**
 * Evaluates the SRE threshold rules for every project (a repeatable job, TOUCHPOINT_SRE_INTERVAL)
 * and sends an alert when a series starts firing or resolves. Which series are firing is kept
 * in Redis, so a restarted or second worker neither repeats `firing` nor misses `resolved`.
 */
import type { Redis } from 'ioredis';
import type { AlertingContext } from './context.ts';
import type { ChannelName } from '@touchpoint/protocol/outreach';
import type { SreAlert } from '../interfaces/alert.ts';
import { alertDestinations } from '../channels/alert-destinations.ts';
import { sreLink } from '../lib/dashboard-links.ts';
import { joinId } from '../lib/ids.ts';
import { measureRule, type SreMeasurement, type SreRule } from '../rules/sre-threshold.ts';
import type { StoreKeys } from '../store/keys.ts';

export interface SreTransition {
  project: string;
  series: string;
  state: 'firing' | 'resolved';
  measurement?: SreMeasurement;
}

export async function evaluateSreRules(ctx: AlertingContext, redis: Redis, keys: StoreKeys, now: number): Promise<SreTransition[]> {
  const transitions: SreTransition[] = [];
  for (const project of ctx.projects()) {
    const stateKey = keys.sreState(project.id);
    const firing = await redis.hgetall(stateKey);
    const seen = new Set<string>();
    for (const rule of ctx.config.sreRules) {
      for (const m of await measureRule(ctx.rollups, project.id, rule, now)) {
        seen.add(m.series);
        const was = firing[m.series] !== undefined;
        // HSETNX / HDEL answer 1 to one caller only: two evaluations racing send one alert.
        if (m.breached && !was) {
          if (await redis.hsetnx(stateKey, m.series, String(now))) transitions.push({ project: project.id, series: m.series, state: 'firing', measurement: m });
        } else if (!m.breached && was) {
          if (await redis.hdel(stateKey, m.series)) transitions.push({ project: project.id, series: m.series, state: 'resolved', measurement: m });
        }
      }
    }
    // A page with no traffic left in the window has nothing above the threshold any more.
    for (const series of Object.keys(firing)) {
      if (seen.has(series)) continue;
      if (await redis.hdel(stateKey, series)) transitions.push({ project: project.id, series, state: 'resolved' });
    }
  }
  for (const t of transitions) await sendTransition(ctx, t, now);
  return transitions;
}

async function sendTransition(ctx: AlertingContext, t: SreTransition, now: number): Promise<void> {
  const channels = alertDestinations(ctx.config, 'sre', Boolean(ctx.email)).map((d) => d.channel);
  ctx.logger.info({ project: t.project, series: t.series, state: t.state, value: t.measurement?.value }, 'SRE rule state changed');
  const m = t.measurement;
  const [ruleId] = t.series.split(':');
  const project = ctx.project(t.project);
  const metric = metricOf(m ? m.rule : ctx.config.sreRules.find((r) => r.id === ruleId));
  const path = m?.path ?? (t.series.includes(':') ? t.series.slice(t.series.indexOf(':') + 1) : null);
  const alert: SreAlert = {
    kind: 'sre',
    project: t.project,
    shop: project.name ?? project.id,
    at: now,
    rule: ruleId ?? t.series,
    series: t.series,
    state: t.state,
    metric,
    quantile: m?.rule.kind === 'timing' ? m.rule.quantile : null,
    path,
    value: m ? Math.round(m.value * 100) / 100 : null,
    threshold: m?.rule.above ?? null,
    samples: m?.count ?? null,
    windowSeconds: m ? m.rule.windowMs / 1000 : null,
    link: sreLink(ctx.config.publicUrl, t.project, now, metric, path),
  };
  for (const channel of channels) {
    await ctx.queues.addDelivery({
      id: joinId('sre', t.project, t.series, t.state, String(now), channel),
      audience: 'sre',
      channel,
      project: t.project,
      reason: 'sre',
      incident: joinId('sre', t.series, String(now)),
      incidentAt: now,
      startedAt: now,
      alerts: [alert],
    });
  }
}

/** What a rule measures; a series resolved for lack of traffic has no measurement, only its rule. */
function metricOf(rule: SreRule | undefined): string {
  return rule?.kind === 'timing' ? rule.metric : 'error_rate_percent';
}
