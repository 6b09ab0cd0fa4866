/**
 * Slack: alerts as an incoming-webhook message (https://api.slack.com/messaging/webhooks), the
 * documented `text` (the notification and fallback) plus Block Kit `blocks`: a header, the
 * sentence, the facts as section fields and a button to the dashboards. Several alerts of one
 * shop become one message with a section each. Posted by webhook.ts (signed when the
 * destination has a secret: Slack ignores the headers, a proxy in front may check them).
 * Limits kept (Block Kit reference): header text 150 characters, section text 3000, at most 10
 * fields of 2000, button text 75, at most 50 blocks.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert } from '../interfaces/alert.ts';
import { describeAlert, describeDigest, type AlertText, type CopyOptions } from './alert-copy.ts';
import { describeGroup } from './alert-group-copy.ts';

interface PlainText { type: 'plain_text'; text: string; emoji?: boolean }
interface Mrkdwn { type: 'mrkdwn'; text: string }
interface Button { type: 'button'; text: PlainText; url: string; style?: 'primary' | 'danger' }
type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[]; accessory?: Button }
  | { type: 'actions'; elements: Button[] }
  | { type: 'context'; elements: Mrkdwn[] };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** The three characters Slack's mrkdwn asks to escape; the rest of visitor data stays as written. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const button = (t: AlertText): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: cut(t.link.label, 75) },
  url: t.link.url,
  ...(t.tone === 'attention' ? { style: 'danger' as const } : {}),
});

function blocksOf(t: AlertText): Block[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: cut(t.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(esc(t.summary), 3000) } },
    { type: 'section', fields: t.facts.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: cut(`*${esc(f.label)}*\n${esc(f.value)}`, 2000) })) },
    { type: 'actions', elements: [button(t)] },
  ];
}

/** Alerts shown in one message with several: a header, one section each, and a line for the rest. */
const MAX_LISTED = 45;

export function slackMessage(alerts: readonly Alert[], o: CopyOptions & { everyMs?: number }): SlackMessage {
  const texts = alerts.map((a) => describeAlert(a, o));
  const [only] = texts;
  if (texts.length === 1 && only) return { text: only.title, blocks: blocksOf(only) };
  const digest = describeDigest(alerts, { ...o, everyMs: o.everyMs ?? 0 });
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: cut(digest.title, 150), emoji: true } }];
  for (const t of texts.slice(0, MAX_LISTED)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*${esc(t.title)}*\n${esc(t.summary)}`, 3000) }, accessory: button(t) });
  }
  if (texts.length > MAX_LISTED) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `+${texts.length - MAX_LISTED}` }] });
  return { text: digest.title, blocks };
}

/** Lines per section of a group message: a section's text holds at most 3000 characters. */
const SECTION_CHARS = 3000;

/** One message of an alert group: header, the group in a sentence, the listed alerts as linked lines, when the next comes. */
export function slackGroupMessage(note: AlertGroupNote, alerts: readonly Alert[], o: CopyOptions): SlackMessage {
  const t = describeGroup(note, alerts, o);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(t.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(esc(t.summary), SECTION_CHARS) } },
  ];
  // Slack links are <url|text>: the text must not close the link.
  const lines = t.lines.map((l) => `• <${l.url}|${esc(l.text).replace(/\|/g, '¦')}>`);
  let section = t.lines.length ? `*${esc(t.listIntro)}*` : '';
  let shown = 0;
  for (const line of lines) {
    if (section.length + line.length + 1 > SECTION_CHARS) {
      if (blocks.length >= MAX_LISTED) break;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: section } });
      section = '';
    }
    section = section ? `${section}\n${line}` : line;
    shown++;
  }
  if (section) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(section, SECTION_CHARS) } });
  const hidden = t.lines.length - shown + note.unlisted;
  const footer = [hidden > 0 ? `+${hidden}` : '', esc(t.note)].filter(Boolean).join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(footer, SECTION_CHARS) }] });
  blocks.push({ type: 'actions', elements: [button({ ...t, facts: [] })] });
  return { text: t.title, blocks };
}
