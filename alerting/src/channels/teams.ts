/**
 * Microsoft Teams: alerts as the documented incoming-webhook message with one Adaptive Card
 * attachment (`{ type: "message", attachments: [{ contentType:
 * "application/vnd.microsoft.card.adaptive", contentUrl: null, content: <card> }] }`), which
 * Teams incoming webhooks and the Workflows app that replaces them both take. The card: the
 * title, the sentence, a FactSet and an Action.OpenUrl button (Teams webhooks support OpenUrl,
 * ShowCard and ToggleVisibility, not Submit). Several alerts of one shop: one container each.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert } from '../interfaces/alert.ts';
import { describeAlert, describeDigest, type AlertText, type CopyOptions } from './alert-copy.ts';
import { describeGroup } from './alert-group-copy.ts';

interface TextBlock { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Medium' | 'Large'; color?: 'Attention' | 'Warning' | 'Good' }
interface FactSet { type: 'FactSet'; facts: { title: string; value: string }[] }
interface Container { type: 'Container'; separator?: boolean; items: (TextBlock | FactSet)[] }
interface OpenUrl { type: 'Action.OpenUrl'; title: string; url: string }

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: (TextBlock | FactSet | Container)[];
  actions?: OpenUrl[];
}

export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }];
}

const COLOR = { attention: 'Attention', warning: 'Warning', good: 'Good' } as const;
/** Teams refuses cards over about 28 KB: list this many alerts and count the rest. */
const MAX_LISTED = 20;

const card = (body: AdaptiveCard['body'], actions?: OpenUrl[]): TeamsMessage => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, ...(actions ? { actions } : {}) },
    },
  ],
});

const title = (t: AlertText, size: 'Medium' | 'Large'): TextBlock => ({ type: 'TextBlock', text: t.title, wrap: true, weight: 'Bolder', size, color: COLOR[t.tone] });
const facts = (t: AlertText): FactSet => ({ type: 'FactSet', facts: t.facts.map((f) => ({ title: f.label, value: f.value })) });
const open = (t: AlertText): OpenUrl => ({ type: 'Action.OpenUrl', title: t.link.label, url: t.link.url });

export function teamsMessage(alerts: readonly Alert[], o: CopyOptions & { everyMs?: number }): TeamsMessage {
  const texts = alerts.map((a) => describeAlert(a, o));
  const [only] = texts;
  if (texts.length === 1 && only) return card([title(only, 'Medium'), { type: 'TextBlock', text: only.summary, wrap: true }, facts(only)], [open(only)]);
  const digest = describeDigest(alerts, { ...o, everyMs: o.everyMs ?? 0 });
  const body: AdaptiveCard['body'] = [{ type: 'TextBlock', text: digest.title, wrap: true, weight: 'Bolder', size: 'Large' }];
  for (const t of texts.slice(0, MAX_LISTED)) {
    body.push({ type: 'Container', separator: true, items: [title(t, 'Medium'), { type: 'TextBlock', text: `${t.summary} [${t.link.label}](${t.link.url})`, wrap: true }, facts(t)] });
  }
  if (texts.length > MAX_LISTED) body.push({ type: 'TextBlock', text: `+${texts.length - MAX_LISTED}`, wrap: true });
  return card(body);
}

/** Linked lines a group card lists: each is short, but Teams refuses cards over about 28 KB. */
const MAX_GROUP_LINES = 40;
/** Markdown link text must not close the link. */
const linkText = (s: string) => s.replace(/[[\]]/g, '');

/** One message of an alert group: the title, the group in a sentence, the listed alerts as linked lines, when the next comes. */
export function teamsGroupMessage(note: AlertGroupNote, alerts: readonly Alert[], o: CopyOptions): TeamsMessage {
  const t = describeGroup(note, alerts, o);
  const body: AdaptiveCard['body'] = [
    { type: 'TextBlock', text: t.title, wrap: true, weight: 'Bolder', size: 'Medium', color: COLOR[t.tone] },
    { type: 'TextBlock', text: t.summary, wrap: true },
  ];
  if (t.lines.length) {
    body.push({ type: 'TextBlock', text: t.listIntro, wrap: true, weight: 'Bolder' });
    body.push({ type: 'TextBlock', text: t.lines.slice(0, MAX_GROUP_LINES).map((l) => `- [${linkText(l.text)}](${l.url})`).join('\n'), wrap: true });
  }
  const hidden = Math.max(0, t.lines.length - MAX_GROUP_LINES) + note.unlisted;
  if (hidden > 0) body.push({ type: 'TextBlock', text: `+${hidden}`, wrap: true });
  body.push({ type: 'TextBlock', text: t.note, wrap: true });
  return card(body, [{ type: 'Action.OpenUrl', title: t.link.label, url: t.link.url }]);
}
