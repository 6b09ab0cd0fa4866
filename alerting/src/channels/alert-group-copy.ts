/**
 * A message of an alert group in plain words (interfaces/alert-group.ts), in the languages of
 * alert-copy.ts: a title that counts, a sentence or two on the group so far, one line per alert
 * the message lists (with its link), and when the next message may come. Every channel tells a
 * group through this, as it tells a single alert through alert-copy.ts.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert, CheckoutAlert, SreAlert } from '../interfaces/alert.ts';
import { alertLanguage, contactWords, describeAlert, failureWords, figure, formats, metricName, type CopyOptions, type Formats } from './alert-copy.ts';

export interface GroupLine {
  text: string;
  url: string;
}

export interface GroupText {
  title: string;
  summary: string;
  /** Says what the lines are ("the new ones since the last message"), empty when there are none. */
  listIntro: string;
  lines: GroupLine[];
  /** "…and 12 more", when the list is capped. */
  more?: string;
  /** When the next message about the group may come. */
  note: string;
  link: { label: string; url: string };
  tone: 'attention' | 'warning' | 'good';
}

type MarketerKey = 'checkout_error' | 'checkout_stuck' | 'checkout_error_rate';

interface GroupWords {
  count: Record<MarketerKey, (n: number) => string>;
  title: (what: string, shop: string, fresh: number) => string;
  summary: (what: string, shop: string, since: string, money?: string) => string;
  listFirst: string;
  listNew: (n: number) => string;
  overTitle: (what: string, shop: string) => string;
  overSummary: (what: string, shop: string, since: string, latest: string, money?: string) => string;
  sreTitle: (metric: string, pages: number, shop: string) => string;
  sreResolvedTitle: (metric: string, shop: string) => string;
  stillFiring: string;
  sreSummary: (metric: string, pages: number, threshold: string, window: string) => string;
  sreResolvedSummary: (metric: string, threshold: string) => string;
  listChanged: string;
  listStill: string;
  note: (every: string) => string;
  overNote: string;
  more: (n: number) => string;
  above: string;
  backUnder: string;
  noTraffic: string;
  open: string;
}

const en: GroupWords = {
  count: {
    checkout_error: (n) => `${n} ${n === 1 ? 'checkout' : 'checkouts'} failed`,
    checkout_stuck: (n) => `${n} ${n === 1 ? 'checkout' : 'checkouts'} stuck`,
    checkout_error_rate: (n) => `${n} ${n === 1 ? 'alert' : 'alerts'} of many failed checkouts`,
  },
  title: (what, shop, fresh) => `${what} at ${shop}${fresh ? ` (${fresh} new)` : ''}`,
  summary: (what, shop, since, money) => `${what} at ${shop} since ${since}${money ? `, ${money} in them` : ''}.`,
  listFirst: 'Each of them:',
  listNew: (n) => (n === 1 ? 'The one new since the last message:' : `The ${n} new since the last message:`),
  overTitle: (what, shop) => `Over: ${what} at ${shop}, none since`,
  overSummary: (what, shop, since, latest, money) => `${what} at ${shop} between ${since} and ${latest}${money ? `, ${money} in them` : ''}; none since.`,
  sreTitle: (metric, pages, shop) => `${metric} above its threshold on ${pages} ${pages === 1 ? 'page' : 'pages'} at ${shop}`,
  sreResolvedTitle: (metric, shop) => `Resolved: ${metric} back under its threshold on every page at ${shop}`,
  stillFiring: 'Still firing: ',
  sreSummary: (metric, pages, threshold, window) => `${metric} over the last ${window} is above ${threshold} on ${pages} ${pages === 1 ? 'page' : 'pages'} now.`,
  sreResolvedSummary: (metric, threshold) => `${metric} is back under ${threshold} on every page.`,
  listChanged: 'What changed since the last message:',
  listStill: 'The pages still above it:',
  note: (every) => `Touchpoint groups these alerts: the next message about them comes no sooner than ${every} from now (TOUCHPOINT_ALERT_GROUP_INTERVAL).`,
  overNote: 'This group of alerts is closed; the next one opens a new group.',
  more: (n) => `…and ${n} more in Touchpoint.`,
  above: 'above',
  backUnder: 'back under',
  noTraffic: 'no traffic left',
  open: 'Open them in Touchpoint',
};

const de: GroupWords = {
  count: {
    checkout_error: (n) => `${n} ${n === 1 ? 'Bestellung' : 'Bestellungen'} fehlgeschlagen`,
    checkout_stuck: (n) => `${n} ${n === 1 ? 'Bestellung hängt' : 'Bestellungen hängen'}`,
    checkout_error_rate: (n) => `${n} ${n === 1 ? 'Meldung' : 'Meldungen'} über viele fehlgeschlagene Bestellungen`,
  },
  title: (what, shop, fresh) => `${what} bei ${shop}${fresh ? ` (${fresh} neu)` : ''}`,
  summary: (what, shop, since, money) => `${what} bei ${shop} seit ${since}${money ? `, Betrag darin ${money}` : ''}.`,
  listFirst: 'Jede einzelne:',
  listNew: (n) => (n === 1 ? 'Die eine neue seit der letzten Nachricht:' : `Die ${n} neuen seit der letzten Nachricht:`),
  overTitle: (what, shop) => `Vorbei: ${what} bei ${shop}, seitdem keine mehr`,
  overSummary: (what, shop, since, latest, money) => `${what} bei ${shop} zwischen ${since} und ${latest}${money ? `, Betrag darin ${money}` : ''}; seitdem keine mehr.`,
  sreTitle: (metric, pages, shop) => `${metric} über der Schwelle auf ${pages} ${pages === 1 ? 'Seite' : 'Seiten'} bei ${shop}`,
  sreResolvedTitle: (metric, shop) => `Behoben: ${metric} auf allen Seiten wieder unter der Schwelle bei ${shop}`,
  stillFiring: 'Weiterhin: ',
  sreSummary: (metric, pages, threshold, window) => `${metric}, gemessen über ${window}, liegt jetzt auf ${pages} ${pages === 1 ? 'Seite' : 'Seiten'} über ${threshold}.`,
  sreResolvedSummary: (metric, threshold) => `${metric} liegt auf allen Seiten wieder unter ${threshold}.`,
  listChanged: 'Was sich seit der letzten Nachricht geändert hat:',
  listStill: 'Die Seiten, die weiterhin darüber liegen:',
  note: (every) => `Touchpoint fasst diese Meldungen zusammen: die nächste Nachricht dazu kommt frühestens in ${every} (TOUCHPOINT_ALERT_GROUP_INTERVAL).`,
  overNote: 'Diese Gruppe von Meldungen ist abgeschlossen; die nächste Meldung eröffnet eine neue.',
  more: (n) => `… und ${n} weitere in Touchpoint.`,
  above: 'darüber',
  backUnder: 'wieder darunter',
  noTraffic: 'kein Verkehr mehr',
  open: 'In Touchpoint öffnen',
};

const fr: GroupWords = {
  count: {
    checkout_error: (n) => `${n} ${n === 1 ? 'commande échouée' : 'commandes échouées'}`,
    checkout_stuck: (n) => `${n} ${n === 1 ? 'commande bloquée' : 'commandes bloquées'}`,
    checkout_error_rate: (n) => `${n} ${n === 1 ? 'alerte' : 'alertes'} de nombreuses commandes échouées`,
  },
  title: (what, shop, fresh) => `${what} chez ${shop}${fresh ? ` (${fresh} ${fresh === 1 ? 'nouvelle' : 'nouvelles'})` : ''}`,
  summary: (what, shop, since, money) => `${what} chez ${shop} depuis le ${since}${money ? `, ${money} au total` : ''}.`,
  listFirst: 'Chacune d’elles :',
  listNew: (n) => (n === 1 ? 'La nouvelle depuis le dernier message :' : `Les ${n} nouvelles depuis le dernier message :`),
  overTitle: (what, shop) => `Terminé : ${what} chez ${shop}, aucune depuis`,
  overSummary: (what, shop, since, latest, money) => `${what} chez ${shop} entre le ${since} et le ${latest}${money ? `, ${money} au total` : ''} ; aucune depuis.`,
  sreTitle: (metric, pages, shop) => `${metric} au-dessus du seuil sur ${pages} page${pages === 1 ? '' : 's'} chez ${shop}`,
  sreResolvedTitle: (metric, shop) => `Résolu : ${metric} repassé sous le seuil sur toutes les pages chez ${shop}`,
  stillFiring: 'Toujours en cours : ',
  sreSummary: (metric, pages, threshold, window) => `${metric}, mesuré sur ${window}, dépasse ${threshold} sur ${pages} page${pages === 1 ? '' : 's'} en ce moment.`,
  sreResolvedSummary: (metric, threshold) => `${metric} est repassé sous ${threshold} sur toutes les pages.`,
  listChanged: 'Ce qui a changé depuis le dernier message :',
  listStill: 'Les pages toujours au-dessus :',
  note: (every) => `Touchpoint regroupe ces alertes : le prochain message à leur sujet arrivera au plus tôt dans ${every} (TOUCHPOINT_ALERT_GROUP_INTERVAL).`,
  overNote: 'Ce groupe d’alertes est clos ; la prochaine alerte ouvre un nouveau groupe.',
  more: (n) => `… et ${n} autres dans Touchpoint.`,
  above: 'au-dessus',
  backUnder: 'repassé sous le seuil',
  noTraffic: 'plus de trafic',
  open: 'Ouvrir dans Touchpoint',
};

const es: GroupWords = {
  count: {
    checkout_error: (n) => `${n} ${n === 1 ? 'compra fallida' : 'compras fallidas'}`,
    checkout_stuck: (n) => `${n} ${n === 1 ? 'compra detenida' : 'compras detenidas'}`,
    checkout_error_rate: (n) => `${n} ${n === 1 ? 'alerta' : 'alertas'} de muchas compras fallidas`,
  },
  title: (what, shop, fresh) => `${what} en ${shop}${fresh ? ` (${fresh} ${fresh === 1 ? 'nueva' : 'nuevas'})` : ''}`,
  summary: (what, shop, since, money) => `${what} en ${shop} desde el ${since}${money ? `, ${money} en total` : ''}.`,
  listFirst: 'Cada una de ellas:',
  listNew: (n) => (n === 1 ? 'La nueva desde el último mensaje:' : `Las ${n} nuevas desde el último mensaje:`),
  overTitle: (what, shop) => `Terminado: ${what} en ${shop}, ninguna desde entonces`,
  overSummary: (what, shop, since, latest, money) => `${what} en ${shop} entre el ${since} y el ${latest}${money ? `, ${money} en total` : ''}; ninguna desde entonces.`,
  sreTitle: (metric, pages, shop) => `${metric} por encima del umbral en ${pages} página${pages === 1 ? '' : 's'} en ${shop}`,
  sreResolvedTitle: (metric, shop) => `Resuelto: ${metric} de nuevo bajo el umbral en todas las páginas en ${shop}`,
  stillFiring: 'Sigue activo: ',
  sreSummary: (metric, pages, threshold, window) => `${metric}, medido durante ${window}, supera ${threshold} en ${pages} página${pages === 1 ? '' : 's'} ahora.`,
  sreResolvedSummary: (metric, threshold) => `${metric} está de nuevo bajo ${threshold} en todas las páginas.`,
  listChanged: 'Lo que cambió desde el último mensaje:',
  listStill: 'Las páginas que siguen por encima:',
  note: (every) => `Touchpoint agrupa estas alertas: el próximo mensaje sobre ellas llegará como pronto dentro de ${every} (TOUCHPOINT_ALERT_GROUP_INTERVAL).`,
  overNote: 'Este grupo de alertas queda cerrado; la próxima alerta abre un grupo nuevo.',
  more: (n) => `… y ${n} más en Touchpoint.`,
  above: 'por encima',
  backUnder: 'de nuevo bajo el umbral',
  noTraffic: 'sin tráfico',
  open: 'Abrir en Touchpoint',
};

const WORDS: Record<string, GroupWords> = { en, de, fr, es };

const isMarketerKey = (k: string): k is MarketerKey => k === 'checkout_error' || k === 'checkout_stuck' || k === 'checkout_error_rate';

function checkoutLine(a: CheckoutAlert, fmt: Formats): string {
  const { w } = fmt;
  const parts = [a.checkout ?? w.unknown, fmt.clock(a.at)];
  if (a.value !== undefined) parts.push(fmt.money(a.value, a.currency));
  if (a.step) parts.push(`${w.label.step}: ${a.step}`);
  if (a.failures?.length) parts.push(a.failures.map((f) => failureWords(f, w)).join('; '));
  return `${parts.join(' · ')} · ${a.customer ?? w.anonymousCustomer}: ${contactWords(a.contact, fmt)}`;
}

function sreLine(a: SreAlert, fmt: Formats, g: GroupWords): string {
  const state = a.state === 'firing' ? g.above : a.value === null ? g.noTraffic : g.backUnder;
  return `${a.path ?? fmt.w.wholeSite}: ${figure(a, a.value, fmt)} (${state})`;
}

function lineOf(a: Alert, fmt: Formats, g: GroupWords, o: CopyOptions): GroupLine {
  if (a.kind === 'checkout') return { text: checkoutLine(a, fmt), url: a.link };
  if (a.kind === 'sre') return { text: sreLine(a, fmt, g), url: a.link };
  return { text: describeAlert(a, o).title, url: a.link };
}

export function describeGroup(note: AlertGroupNote, alerts: readonly Alert[], o: CopyOptions): GroupText {
  const fmt = formats(o);
  const g = WORDS[alertLanguage(o.language)] ?? en;
  const lines = alerts.map((a) => lineOf(a, fmt, g, o));
  const link = { label: g.open, url: note.link };
  const more = note.unlisted > 0 ? { more: g.more(note.unlisted) } : {};
  const next = g.note(fmt.duration(note.intervalMs));
  if (note.audience === 'marketer') {
    const count = isMarketerKey(note.key) ? g.count[note.key] : g.count.checkout_error;
    const what = count(note.total);
    const money = note.atRisk.length ? note.atRisk.map((m) => fmt.money(m.value, m.currency)).join(', ') : undefined;
    if (note.kind === 'resolved') {
      return { title: g.overTitle(what, note.shop), summary: g.overSummary(what, note.shop, fmt.when(note.since), fmt.when(note.latest), money), listIntro: '', lines, ...more, note: g.overNote, link, tone: 'good' };
    }
    return {
      title: g.title(what, note.shop, note.kind === 'first' ? 0 : alerts.length + note.unlisted),
      summary: g.summary(what, note.shop, fmt.when(note.since), money),
      listIntro: note.kind === 'first' ? g.listFirst : g.listNew(alerts.length + note.unlisted),
      lines,
      ...more,
      note: next,
      link,
      tone: note.key === 'checkout_stuck' ? 'warning' : 'attention',
    };
  }
  const sample = alerts.find((a): a is SreAlert => a.kind === 'sre' && a.threshold !== null) ?? alerts.find((a): a is SreAlert => a.kind === 'sre');
  const metric = sample ? metricName(sample, fmt.w) : note.key;
  const threshold = sample ? figure(sample, sample.threshold, fmt) : fmt.w.unknown;
  const window = sample?.windowSeconds ? fmt.duration(sample.windowSeconds * 1000) : fmt.w.unknown;
  if (note.firing === 0) {
    return { title: g.sreResolvedTitle(metric, note.shop), summary: g.sreResolvedSummary(metric, threshold), listIntro: g.listChanged, lines, ...more, note: g.overNote, link, tone: 'good' };
  }
  const title = g.sreTitle(metric, note.firing, note.shop);
  return {
    title: note.kind === 'repeat' ? `${g.stillFiring}${title}` : title,
    summary: g.sreSummary(metric, note.firing, threshold, window),
    listIntro: note.kind === 'repeat' ? g.listStill : note.kind === 'first' ? g.listFirst : g.listChanged,
    lines,
    ...more,
    note: next,
    link,
    tone: 'attention',
  };
}

/** The group message as plain text lines (email text, the webhook's `text`). */
export function groupPlainText(t: GroupText): string {
  const list = t.lines.map((l) => `- ${l.text}\n  ${l.url}`);
  return [t.summary, '', ...(list.length ? [t.listIntro, ...list, ...(t.more ? [t.more] : []), ''] : []), t.note, '', `${t.link.label}: ${t.link.url}`].join('\n');
}
