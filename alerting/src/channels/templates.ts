/**
 * Customer message templates, one per reason and language (plain text + HTML). The language
 * comes from the customer's identify (`en-AU` → `en`); unknown languages fall back to English.
 */
import type { OutreachReason } from '@touchpoint/protocol/outreach';

export interface TemplateVars {
  shop: string;
  supportUrl?: string;
  /** e.g. "149.95 AUD" */
  amount?: string;
}

interface Copy {
  subject: (v: TemplateVars) => string;
  lines: (v: TemplateVars) => string[];
  help: (url: string) => string;
  signoff: (v: TemplateVars) => string;
}

const en: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Your order at ${v.shop} did not go through`,
    lines: (v) => [
      `We noticed that your payment${v.amount ? ` of ${v.amount}` : ''} at ${v.shop} failed just now. That was our fault, not yours, and you have not been charged for it.`,
      'Your basket is saved: you can try again whenever it suits you, and if it fails again simply reply to this email and we will sort it out.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
  },
  checkout_stuck: {
    subject: (v) => `Can we help with your order at ${v.shop}?`,
    lines: (v) => [
      `It looks like your checkout${v.amount ? ` of ${v.amount}` : ''} at ${v.shop} stopped part-way. If something got in the way, we would like to help.`,
      'Your basket is saved. Reply to this email if anything was unclear or did not work.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
  },
  slow_experience: {
    subject: (v) => `Sorry that ${v.shop} was slow for you`,
    lines: (v) => [
      `Our pages loaded slowly for you several times in a row at ${v.shop}. We are looking into it.`,
      'If it got in the way of what you wanted to do, reply to this email and we will help.',
    ],
    help: (url) => `You can also reach us at ${url}.`,
    signoff: (v) => `The ${v.shop} team`,
  },
};

const de: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Ihre Bestellung bei ${v.shop} ist nicht durchgegangen`,
    lines: (v) => [
      `Ihre Zahlung${v.amount ? ` über ${v.amount}` : ''} bei ${v.shop} ist eben fehlgeschlagen. Das lag an uns, nicht an Ihnen, und Sie wurden dafür nicht belastet.`,
      'Ihr Warenkorb ist gespeichert. Versuchen Sie es gern erneut; klappt es wieder nicht, antworten Sie einfach auf diese E-Mail.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
  },
  checkout_stuck: {
    subject: (v) => `Können wir bei Ihrer Bestellung bei ${v.shop} helfen?`,
    lines: (v) => [
      `Ihr Bestellvorgang${v.amount ? ` über ${v.amount}` : ''} bei ${v.shop} ist unterwegs stehen geblieben. Wenn etwas nicht geklappt hat, helfen wir gern.`,
      'Ihr Warenkorb ist gespeichert. Antworten Sie einfach auf diese E-Mail.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
  },
  slow_experience: {
    subject: (v) => `${v.shop} war für Sie zu langsam – das tut uns leid`,
    lines: (v) => [
      `Unsere Seiten bei ${v.shop} haben bei Ihnen mehrmals hintereinander langsam geladen. Wir kümmern uns darum.`,
      'Wenn Sie dadurch etwas nicht erledigen konnten, antworten Sie auf diese E-Mail.',
    ],
    help: (url) => `Sie erreichen uns auch unter ${url}.`,
    signoff: (v) => `Ihr Team von ${v.shop}`,
  },
};

const fr: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Votre commande chez ${v.shop} n'a pas abouti`,
    lines: (v) => [
      `Votre paiement${v.amount ? ` de ${v.amount}` : ''} chez ${v.shop} vient d'échouer. L'erreur vient de chez nous et rien ne vous a été débité.`,
      "Votre panier est conservé : réessayez quand vous voulez, et si cela échoue encore, répondez simplement à cet e-mail.",
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
  },
  checkout_stuck: {
    subject: (v) => `Pouvons-nous vous aider avec votre commande chez ${v.shop} ?`,
    lines: (v) => [
      `Votre commande${v.amount ? ` de ${v.amount}` : ''} chez ${v.shop} semble s'être arrêtée en route. Si quelque chose vous a gêné, nous aimerions vous aider.`,
      'Votre panier est conservé. Répondez simplement à cet e-mail.',
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
  },
  slow_experience: {
    subject: (v) => `Désolés que ${v.shop} ait été lent pour vous`,
    lines: (v) => [
      `Nos pages chez ${v.shop} se sont chargées lentement pour vous plusieurs fois de suite. Nous nous en occupons.`,
      'Si cela vous a empêché de faire ce que vous vouliez, répondez à cet e-mail.',
    ],
    help: (url) => `Vous pouvez aussi nous joindre sur ${url}.`,
    signoff: (v) => `L'équipe ${v.shop}`,
  },
};

const es: Record<OutreachReason, Copy> = {
  checkout_error: {
    subject: (v) => `Tu pedido en ${v.shop} no se completó`,
    lines: (v) => [
      `Tu pago${v.amount ? ` de ${v.amount}` : ''} en ${v.shop} acaba de fallar. El error fue nuestro y no se te ha cobrado nada.`,
      'Tu carrito está guardado: inténtalo de nuevo cuando quieras y, si vuelve a fallar, responde a este correo.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
  },
  checkout_stuck: {
    subject: (v) => `¿Te ayudamos con tu pedido en ${v.shop}?`,
    lines: (v) => [
      `Parece que tu compra${v.amount ? ` de ${v.amount}` : ''} en ${v.shop} se quedó a medias. Si algo no funcionó, queremos ayudarte.`,
      'Tu carrito está guardado. Responde a este correo si algo no estaba claro.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
  },
  slow_experience: {
    subject: (v) => `Sentimos que ${v.shop} fuera lento para ti`,
    lines: (v) => [
      `Nuestras páginas de ${v.shop} cargaron lentamente para ti varias veces seguidas. Lo estamos revisando.`,
      'Si eso te impidió hacer lo que querías, responde a este correo.',
    ],
    help: (url) => `También puedes escribirnos en ${url}.`,
    signoff: (v) => `El equipo de ${v.shop}`,
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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderOutreach(reason: OutreachReason, language: string | undefined, vars: TemplateVars): RenderedMessage {
  const lang = (language ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  const chosen = COPY[lang] ? lang : 'en';
  const copy = (COPY[chosen] ?? en)[reason];
  const lines = copy.lines(vars);
  if (vars.supportUrl) lines.push(copy.help(vars.supportUrl));
  const signoff = copy.signoff(vars);
  const subject = copy.subject(vars);
  const text = `${lines.join('\n\n')}\n\n${signoff}\n`;
  const html =
    `<!doctype html><html lang="${chosen}"><body style="font-family:sans-serif;line-height:1.5">` +
    lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') +
    `<p>${escapeHtml(signoff)}</p></body></html>`;
  return { language: chosen, subject, text, html };
}
