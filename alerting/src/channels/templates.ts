/**
 * Customer message templates, one per reason and language (plain text + HTML). The language
 * comes from the customer's identify (`en-AU` → `en`); unknown languages fall back to English.
 * The copy says only what Touchpoint knows (the payment or checkout did not go through, pages
 * were slow): not whether the customer was charged, whether the basket is kept, or whose fault
 * it was. A project's own templates may say more, because the shop knows.
 */
import type { OutreachReason } from '@touchpoint/protocol/outreach';
import { pickLanguage } from '../lib/language.ts';
import { escapeHtml } from './escape-html.ts';

export interface TemplateVars {
  shop: string;
  supportUrl?: string;
  /** e.g. "149.95 AUD" */
  amount?: string;
  /** The one-click unsubscribe link (collector route /unsubscribe). */
  unsubscribeUrl?: string;
}

interface Copy {
  subject: (v: TemplateVars) => string;
  lines: (v: TemplateVars) => string[];
  help: (url: string) => string;
  signoff: (v: TemplateVars) => string;
  /** The question and the link's words: `Do not want…? Unsubscribe`. */
  unsubscribe: (v: TemplateVars) => [question: string, action: string];
}

const en: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Your order at ${v.shop} did not go through`,
    lines: (v) => [
      `We noticed that your payment${v.amount ? ` of ${v.amount}` : ''} at ${v.shop} did not go through just now.`,
      'If you would still like to order, you can try again whenever it suits you. If something is in the way, reply to this email and let us know.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
    unsubscribe: (v) => [`Do not want emails like this from ${v.shop}?`, 'Unsubscribe'],
  },
  checkout_stuck: {
    subject: (v) => `Can we help with your order at ${v.shop}?`,
    lines: (v) => [
      `It looks like your checkout${v.amount ? ` of ${v.amount}` : ''} at ${v.shop} stopped part-way. If something got in the way, we would like to help.`,
      'Reply to this email if anything was unclear or did not work.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
    unsubscribe: (v) => [`Do not want emails like this from ${v.shop}?`, 'Unsubscribe'],
  },
  slow_experience: {
    subject: (v) => `Sorry that ${v.shop} was slow for you`,
    lines: (v) => [
      `Pages at ${v.shop} loaded slowly for you several times in a row.`,
      'If it got in the way of what you wanted to do, reply to this email and let us know.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
    unsubscribe: (v) => [`Do not want emails like this from ${v.shop}?`, 'Unsubscribe'],
  },
};

const de: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Ihre Bestellung bei ${v.shop} ist nicht durchgegangen`,
    lines: (v) => [
      `Ihre Zahlung${v.amount ? ` über ${v.amount}` : ''} bei ${v.shop} ist eben nicht durchgegangen.`,
      'Wenn Sie weiterhin bestellen möchten, versuchen Sie es gern erneut. Steht etwas im Weg, antworten Sie einfach auf diese E-Mail.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
    unsubscribe: (v) => [`Keine solchen E-Mails mehr von ${v.shop}?`, 'Abmelden'],
  },
  checkout_stuck: {
    subject: (v) => `Können wir bei Ihrer Bestellung bei ${v.shop} helfen?`,
    lines: (v) => [
      `Ihr Bestellvorgang${v.amount ? ` über ${v.amount}` : ''} bei ${v.shop} ist unterwegs stehen geblieben. Wenn etwas nicht geklappt hat, helfen wir gern.`,
      'Antworten Sie einfach auf diese E-Mail, wenn etwas unklar war oder nicht funktioniert hat.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
    unsubscribe: (v) => [`Keine solchen E-Mails mehr von ${v.shop}?`, 'Abmelden'],
  },
  slow_experience: {
    subject: (v) => `${v.shop} war für Sie zu langsam – das tut uns leid`,
    lines: (v) => [
      `Die Seiten von ${v.shop} haben bei Ihnen mehrmals hintereinander langsam geladen.`,
      'Wenn Sie dadurch etwas nicht erledigen konnten, antworten Sie auf diese E-Mail.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
    unsubscribe: (v) => [`Keine solchen E-Mails mehr von ${v.shop}?`, 'Abmelden'],
  },
};

const fr: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Votre commande chez ${v.shop} n'a pas abouti`,
    lines: (v) => [
      `Votre paiement${v.amount ? ` de ${v.amount}` : ''} chez ${v.shop} n'a pas abouti.`,
      "Si vous souhaitez toujours commander, réessayez quand vous voulez. Si quelque chose vous bloque, répondez simplement à cet e-mail.",
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
    unsubscribe: (v) => [`Vous ne souhaitez plus recevoir ce type d'e-mail de ${v.shop} ?`, 'Se désabonner'],
  },
  checkout_stuck: {
    subject: (v) => `Pouvons-nous vous aider avec votre commande chez ${v.shop} ?`,
    lines: (v) => [
      `Votre commande${v.amount ? ` de ${v.amount}` : ''} chez ${v.shop} semble s'être arrêtée en route. Si quelque chose vous a gêné, nous aimerions vous aider.`,
      "Répondez simplement à cet e-mail si quelque chose n'était pas clair ou n'a pas fonctionné.",
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
    unsubscribe: (v) => [`Vous ne souhaitez plus recevoir ce type d'e-mail de ${v.shop} ?`, 'Se désabonner'],
  },
  slow_experience: {
    subject: (v) => `Désolés que ${v.shop} ait été lent pour vous`,
    lines: (v) => [
      `Les pages de ${v.shop} se sont chargées lentement pour vous plusieurs fois de suite.`,
      'Si cela vous a empêché de faire ce que vous vouliez, répondez à cet e-mail.',
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
    unsubscribe: (v) => [`Vous ne souhaitez plus recevoir ce type d'e-mail de ${v.shop} ?`, 'Se désabonner'],
  },
};

const es: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Tu pedido en ${v.shop} no se completó`,
    lines: (v) => [
      `Tu pago${v.amount ? ` de ${v.amount}` : ''} en ${v.shop} no se ha completado.`,
      'Si aún quieres hacer el pedido, inténtalo de nuevo cuando quieras. Si algo te lo impide, responde a este correo.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
    unsubscribe: (v) => [`¿No quieres recibir más correos como este de ${v.shop}?`, 'Darse de baja'],
  },
  checkout_stuck: {
    subject: (v) => `¿Te ayudamos con tu pedido en ${v.shop}?`,
    lines: (v) => [
      `Parece que tu compra${v.amount ? ` de ${v.amount}` : ''} en ${v.shop} se quedó a medias. Si algo no funcionó, queremos ayudarte.`,
      'Responde a este correo si algo no estaba claro o no funcionó.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
    unsubscribe: (v) => [`¿No quieres recibir más correos como este de ${v.shop}?`, 'Darse de baja'],
  },
  slow_experience: {
    subject: (v) => `Sentimos que ${v.shop} fuera lento para ti`,
    lines: (v) => [
      `Las páginas de ${v.shop} cargaron lentamente para ti varias veces seguidas.`,
      'Si eso te impidió hacer lo que querías, responde a este correo.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
    unsubscribe: (v) => [`¿No quieres recibir más correos como este de ${v.shop}?`, 'Darse de baja'],
  },
};

const COPY: Record<string, Record<OutreachReason, Copy>> = { en, de, fr, es };
export const TEMPLATE_LANGUAGES = Object.keys(COPY);

export interface RenderedMessage {
  language: string;
  subject: string;
  text: string;
  html: string;
}

export function renderOutreach(reason: OutreachReason, language: string | undefined, vars: TemplateVars): RenderedMessage {
  const chosen = pickLanguage(language, TEMPLATE_LANGUAGES);
  const copy = (COPY[chosen] ?? en)[reason];
  const lines = copy.lines(vars);
  if (vars.supportUrl) lines.push(copy.help(vars.supportUrl));
  const signoff = copy.signoff(vars);
  const subject = copy.subject(vars);
  const url = vars.unsubscribeUrl;
  const [question, action] = copy.unsubscribe(vars);
  const text = `${lines.join('\n\n')}\n\n${signoff}\n${url ? `\n--\n${question} ${action}: ${url}\n` : ''}`;
  const unsubscribeHtml = url ? `<p style="font-size:0.85em;color:#555">${escapeHtml(question)} <a href="${escapeHtml(url)}">${escapeHtml(action)}</a></p>` : '';
  const html =
    `<!doctype html><html lang="${chosen}"><body style="font-family:sans-serif;line-height:1.5">` +
    lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') +
    `<p>${escapeHtml(signoff)}</p>${unsubscribeHtml}</body></html>`;
  return { language: chosen, subject, text, html };
}
