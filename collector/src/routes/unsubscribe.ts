/**
 * The unsubscribe link of customer emails, without login (the token is the credential):
 *
 *   GET  /unsubscribe?token=…[&lang=de]  a page in plain words with one button; changes nothing,
 *        because mail scanners and link previews fetch links nobody clicked.
 *   POST /unsubscribe?token=…            adds the customer to the project's suppression set at once
 *        and confirms. The button posts here, and so do mail providers for RFC 8058 one-click
 *        unsubscribe (`List-Unsubscribe-Post: List-Unsubscribe=One-Click`), with no confirmation.
 *
 * The token is an HMAC over (project, customer, purpose) made by alerting
 * (alerting/src/lib/unsubscribe-token.ts): it cannot be guessed, nor changed to another customer.
 * A malformed token is 400 TP_ERR_UNSUBSCRIBE_LINK_MALFORMED, a forged or changed one 403
 * TP_ERR_UNSUBSCRIBE_LINK_INVALID: an HTML page for a browser, the JSON error body otherwise.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TouchpointError, type ErrorCode } from '@touchpoint/protocol/errors';
import type { UnsubscribePort } from '@touchpoint/protocol/outreach';

export interface UnsubscribeRoutesOptions {
  unsubscribe: UnsubscribePort;
  /** The shop's name for the page (the project's name); default: the project id. */
  shopName?: (project: string) => string | undefined;
}

/** Longest token accepted (alerting's MAX_TOKEN_LENGTH). */
const MAX_TOKEN = 1024;
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface Page {
  confirmTitle: (shop: string) => string;
  confirmText: (shop: string) => string;
  button: string;
  doneTitle: string;
  doneText: (shop: string) => string;
  badTitle: string;
  badText: string;
}

const PAGES: Record<string, Page> = {
  en: {
    confirmTitle: (shop) => `Stop emails from ${shop}?`,
    confirmText: (shop) => `${shop} sends you an email when a checkout of yours fails or stops part-way. Press the button and you will not get these emails any more.`,
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneText: (shop) => `${shop} will not send you these emails any more. This took effect at once.`,
    badTitle: 'This unsubscribe link does not work',
    badText: 'It may have been cut short or changed on the way. Open the link from the email as it is, or reply to the email and ask to be unsubscribed.',
  },
  de: {
    confirmTitle: (shop) => `Keine E-Mails mehr von ${shop}?`,
    confirmText: (shop) => `${shop} schreibt Ihnen, wenn eine Bestellung von Ihnen fehlschlägt oder unterwegs stehen bleibt. Mit dem Knopf bestellen Sie diese E-Mails ab.`,
    button: 'Abmelden',
    doneTitle: 'Sie sind abgemeldet',
    doneText: (shop) => `${shop} schickt Ihnen diese E-Mails nicht mehr. Das gilt ab sofort.`,
    badTitle: 'Dieser Abmeldelink funktioniert nicht',
    badText: 'Er wurde vielleicht abgeschnitten oder verändert. Öffnen Sie den Link aus der E-Mail unverändert, oder antworten Sie auf die E-Mail und bitten Sie um Abmeldung.',
  },
  fr: {
    confirmTitle: (shop) => `Ne plus recevoir d'e-mails de ${shop} ?`,
    confirmText: (shop) => `${shop} vous écrit quand une de vos commandes échoue ou s'arrête en route. Appuyez sur le bouton et vous ne recevrez plus ces e-mails.`,
    button: 'Se désabonner',
    doneTitle: 'Vous êtes désabonné',
    doneText: (shop) => `${shop} ne vous enverra plus ces e-mails. C'est effectif immédiatement.`,
    badTitle: 'Ce lien de désabonnement ne fonctionne pas',
    badText: "Il a peut-être été coupé ou modifié. Ouvrez le lien de l'e-mail tel quel, ou répondez à l'e-mail pour demander à être désabonné.",
  },
  es: {
    confirmTitle: (shop) => `¿Dejar de recibir correos de ${shop}?`,
    confirmText: (shop) => `${shop} te escribe cuando una compra tuya falla o se queda a medias. Pulsa el botón y no recibirás más estos correos.`,
    button: 'Darse de baja',
    doneTitle: 'Te has dado de baja',
    doneText: (shop) => `${shop} no te enviará más estos correos. Tiene efecto inmediato.`,
    badTitle: 'Este enlace para darse de baja no funciona',
    badText: 'Puede que se haya cortado o modificado. Abre el enlace del correo tal cual, o responde al correo y pide que te den de baja.',
  },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageOf(lang: string | undefined): { lang: string; page: Page } {
  const base = (lang ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  const chosen = PAGES[base] ? base : 'en';
  return { lang: chosen, page: PAGES[chosen] ?? (PAGES.en as Page) };
}

function html(lang: string, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>${body}</body></html>`;
}

interface Q {
  token?: string;
  lang?: string;
}
type Req = FastifyRequest<{ Querystring: Q }>;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', maxLength: MAX_TOKEN + 64 },
    lang: { type: 'string', maxLength: 35 },
  },
} as const;

export default async function unsubscribeRoutes(app: FastifyInstance, opts: UnsubscribeRoutesOptions): Promise<void> {
  // RFC 8058 one-click POSTs come as multipart/form-data or form-urlencoded with the body
  // `List-Unsubscribe=One-Click`; the token in the URL is what counts, so the body is only read.
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));

  const send = (reply: FastifyReply, status: number, page: string) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // The token is in the URL: never pass it on to another site.
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .send(page);

  /** A refused link: a page saying what to do for a person, the coded error for anything else. */
  const refuse = (req: Req, reply: FastifyReply, code: ErrorCode) => {
    if (!(req.headers.accept ?? '').includes('text/html')) throw new TouchpointError(code);
    const { lang, page } = pageOf(req.query.lang);
    return send(reply, new TouchpointError(code).statusCode, html(lang, page.badTitle, `<p>${escapeHtml(page.badText)}</p><p style="color:#777;font-size:0.85em">${code}</p>`));
  };

  /** The customer a request's link is for; undefined once the refusal is sent. */
  const check = async (req: Req, reply: FastifyReply): Promise<{ project: string; customer: string } | undefined> => {
    const token = req.query.token ?? '';
    if (req.validationError || !TOKEN.test(token) || token.length > MAX_TOKEN) {
      await refuse(req, reply, 'TP_ERR_UNSUBSCRIBE_LINK_MALFORMED');
      return undefined;
    }
    const who = await opts.unsubscribe.verify(token);
    if (!who) await refuse(req, reply, 'TP_ERR_UNSUBSCRIBE_LINK_INVALID');
    return who;
  };
  const shopOf = (project: string) => opts.shopName?.(project) ?? project;

  app.get<{ Querystring: Q }>('/unsubscribe', { schema: { querystring }, attachValidation: true }, async (req, reply) => {
    const who = await check(req, reply);
    if (!who) return reply;
    const { lang, page } = pageOf(req.query.lang);
    const shop = shopOf(who.project);
    // No action attribute: the form posts to this very URL, token and language included.
    return send(reply, 200, html(lang, page.confirmTitle(shop), `<p>${escapeHtml(page.confirmText(shop))}</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="font-size:1rem;padding:0.5rem 1.2rem">${escapeHtml(page.button)}</button></form>`));
  });

  app.post<{ Querystring: Q }>('/unsubscribe', { schema: { querystring }, attachValidation: true }, async (req, reply) => {
    const who = await check(req, reply);
    if (!who) return reply;
    await opts.unsubscribe.suppress(who.project, who.customer);
    req.log.info({ project: who.project }, 'customer unsubscribed by link');
    const { lang, page } = pageOf(req.query.lang);
    return send(reply, 200, html(lang, page.doneTitle, `<p>${escapeHtml(page.doneText(shopOf(who.project)))}</p>`));
  });
}
