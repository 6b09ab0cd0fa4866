/**
 * Marketer and SRE alerts as email: plain text and HTML in words (alert-copy.ts), never JSON.
 * One alert, or several of one shop in one message (the TOUCHPOINT_ALERT_DIGEST digest).
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert } from '../interfaces/alert.ts';
import { alertLanguage, alertPlainText, describeAlert, describeDigest, type AlertText, type CopyOptions } from './alert-copy.ts';
import { describeGroup, groupPlainText } from './alert-group-copy.ts';
import { escapeHtml } from './escape-html.ts';

export interface AlertEmail {
  language: string;
  subject: string;
  text: string;
  html: string;
}

function htmlOf(t: AlertText): string {
  return (
    `<p>${escapeHtml(t.summary)}</p><table style="border-collapse:collapse">` +
    t.facts.map((f) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(f.label)}</th><td style="padding:2px 0">${escapeHtml(f.value)}</td></tr>`).join('') +
    `</table><p><a href="${escapeHtml(t.link.url)}">${escapeHtml(t.link.label)}</a></p>`
  );
}

const page = (language: string, inner: string) => `<!doctype html><html lang="${language}"><body style="font-family:sans-serif;line-height:1.5">${inner}</body></html>`;

/** `everyMs` is the digest interval, said in a digest's opening line. */
export function renderAlertEmail(alerts: readonly Alert[], o: CopyOptions & { everyMs?: number }): AlertEmail {
  const language = alertLanguage(o.language);
  const texts = alerts.map((a) => describeAlert(a, o));
  const [only] = texts;
  if (texts.length === 1 && only) {
    return { language, subject: only.title, text: `${alertPlainText(only)}\n`, html: page(language, htmlOf(only)) };
  }
  const digest = describeDigest(alerts, { ...o, everyMs: o.everyMs ?? 0 });
  return {
    language,
    subject: digest.title,
    text: `${digest.intro}\n\n${texts.map((t, i) => `${i + 1}. ${t.title}\n\n${alertPlainText(t)}`).join('\n\n---\n\n')}\n`,
    html: page(language, `<p>${escapeHtml(digest.intro)}</p>${texts.map((t) => `<h2 style="font-size:1.1em">${escapeHtml(t.title)}</h2>${htmlOf(t)}`).join('<hr>')}`),
  };
}

/** One message of an alert group: what the group is so far, then a line (and link) per alert it lists. */
export function renderAlertGroupEmail(note: AlertGroupNote, alerts: readonly Alert[], o: CopyOptions): AlertEmail {
  const language = alertLanguage(o.language);
  const t = describeGroup(note, alerts, o);
  const list = t.lines.length
    ? `<p>${escapeHtml(t.listIntro)}</p><ul>${t.lines.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.text)}</a></li>`).join('')}</ul>${t.more ? `<p>${escapeHtml(t.more)}</p>` : ''}`
    : '';
  const html = `<p>${escapeHtml(t.summary)}</p>${list}<p style="color:#555">${escapeHtml(t.note)}</p><p><a href="${escapeHtml(t.link.url)}">${escapeHtml(t.link.label)}</a></p>`;
  return { language, subject: t.title, text: `${groupPlainText(t)}\n`, html: page(language, html) };
}
