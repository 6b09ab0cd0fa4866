/**
 * Alerts in plain words, in English, German, French and Spanish (ALERT_COPY_LANGUAGES): a title, a
 * sentence or two, labelled facts and a link. Every channel (email, Slack, Teams, the generic
 * webhook's `text`) tells an alert through this, so an alert reads the same everywhere. It says
 * only what Touchpoint knows: what the beacons reported and what the worker decided.
 */
import type { Alert, CallbackAlert, CheckoutAlert, CheckoutFailure, CustomerContact, NotContactedReason, RateAlert, SreAlert } from '../interfaces/alert.ts';
import { pickLanguage } from '../lib/language.ts';

export interface AlertFact {
  label: string;
  value: string;
}

export interface AlertText {
  /** One line: the email subject, the chat header, the notification preview. */
  title: string;
  summary: string;
  facts: AlertFact[];
  link: { label: string; url: string };
  /** For chat colours: attention (failed, firing), warning (stuck), good (resolved). */
  tone: 'attention' | 'warning' | 'good';
}

export interface Words {
  locale: string;
  checkoutFailedTitle: (shop: string, money?: string) => string;
  checkoutStuckTitle: (shop: string, money?: string) => string;
  checkoutFailedSummary: (o: { shop: string; when: string; money?: string; step?: string }) => string;
  checkoutStuckSummary: (o: { shop: string; when: string; money?: string; step?: string }) => string;
  label: Record<'when' | 'value' | 'step' | 'wrong' | 'customer' | 'contact' | 'checkout' | 'failed' | 'since' | 'atRisk' | 'metric' | 'page' | 'measured' | 'threshold' | 'samples' | 'window' | 'phone', string>;
  reported: (reason: string) => string;
  request: (method: string, path: string, status: number) => string;
  contacting: (channels: string, sendAt?: string) => string;
  /** Help was offered in their open page first; the messages wait for them to take it. */
  contactingAfterNudge: (channels: string, sendAt: string) => string;
  /** A nudge was the only way to reach them (no email address, no outreach webhook). */
  nudgedOnly: string;
  callbackTitle: (shop: string, money?: string) => string;
  callbackSummary: (o: { shop: string; when: string; money?: string }) => string;
  channel: Record<'email' | 'webhook', string>;
  and: string;
  notContacted: Record<NotContactedReason | 'anonymous', string>;
  unknown: string;
  anonymousCustomer: string;
  openCheckout: string;
  rateTitle: (shop: string, n: number, duration: string) => string;
  rateSummary: (o: { shop: string; n: number; threshold: number; window: string; since: string }) => string;
  openCheckouts: string;
  errorRate: string;
  wholeSite: string;
  sreFiringTitle: (shop: string, metric: string, page: string) => string;
  sreResolvedTitle: (shop: string, metric: string, page: string) => string;
  sreFiringSummary: (o: { metric: string; value: string; threshold: string; window: string }) => string;
  sreResolvedSummary: (o: { metric: string; value: string; threshold: string; window: string }) => string;
  sreNoTraffic: (metric: string) => string;
  openSre: string;
  digestSubject: (shop: string, n: number) => string;
  digestIntro: (n: number, since: string, every: string) => string;
}

const en: Words = {
  locale: 'en-GB',
  checkoutFailedTitle: (shop, money) => `Checkout failed at ${shop}${money ? `: ${money}` : ''}`,
  checkoutStuckTitle: (shop, money) => `Checkout stuck at ${shop}${money ? `: ${money}` : ''}`,
  checkoutFailedSummary: (o) => `A customer's checkout${o.money ? ` of ${o.money}` : ''} at ${o.shop} failed on ${o.when}${o.step ? `, at the ${o.step} step` : ''}.`,
  checkoutStuckSummary: (o) =>
    `A customer's checkout${o.money ? ` of ${o.money}` : ''} at ${o.shop} stopped${o.step ? ` at the ${o.step} step` : ''} and has not moved on; Touchpoint counted it as stuck on ${o.when}.`,
  label: { when: 'When', value: 'Value', step: 'Step', wrong: 'What went wrong', customer: 'Customer', contact: 'Customer contact', checkout: 'Checkout', failed: 'Failed checkouts', since: 'Since', atRisk: 'Money in them', metric: 'Metric', page: 'Page', measured: 'Measured', threshold: 'Threshold', samples: 'Page loads measured', window: 'Over', phone: 'Number to call' },
  reported: (reason) => `the shop reported "${reason}"`,
  request: (method, path, status) => (status === 0 ? `the request ${method} ${path} got no answer (network failure)` : `the request ${method} ${path} answered HTTP ${status}`),
  contacting: (channels, sendAt) => (sendAt ? `Touchpoint will contact them ${channels} at ${sendAt}, when quiet hours end` : `Touchpoint is contacting them ${channels} now`),
  contactingAfterNudge: (channels, sendAt) => `Touchpoint offered help in their open page first; if they do not take it up, Touchpoint contacts them ${channels} at ${sendAt}`,
  nudgedOnly: 'Touchpoint offered help in their open page (there is no other way to reach them: no email address, no outreach webhook)',
  callbackTitle: (shop, money) => `Call-back requested at ${shop}${money ? `: ${money}` : ''}`,
  callbackSummary: (o) => `A customer whose checkout${o.money ? ` of ${o.money}` : ''} at ${o.shop} ran into trouble asked on ${o.when}, in the page, to be called back.`,
  channel: { email: 'by email', webhook: 'via the outreach webhook' },
  and: 'and',
  notContacted: {
    no_consent: 'not contacted: they have not agreed to be contacted',
    suppressed: 'not contacted: they are on the do-not-contact list',
    cooldown: 'not contacted: they were contacted about another checkout recently',
    completed: 'not contacted: they completed a checkout in the meantime',
    no_channel: 'not contacted: there is no way to reach them (no email address, no outreach webhook)',
    nudge_acted: 'helped in the page: they acted on the in-page prompt, so no email was sent',
    holdout: 'not contacted on purpose: they are in the holdout group that shows what outreach brings back',
    anonymous: 'not contacted: nobody is known for this checkout',
  },
  unknown: 'not known',
  anonymousCustomer: 'anonymous',
  openCheckout: 'Open this checkout in Touchpoint',
  rateTitle: (shop, n, duration) => `${n} checkouts failed in ${duration} at ${shop}`,
  rateSummary: (o) =>
    `More than ${o.threshold} checkouts failed within ${o.window} at ${o.shop}: ${o.n} since ${o.since}. Further failures in this window are counted in this alert instead of one alert each; customers are still contacted one by one.`,
  openCheckouts: 'Open these checkouts in Touchpoint',
  errorRate: 'Error rate (page loads with a JavaScript error)',
  wholeSite: 'all pages',
  sreFiringTitle: (shop, metric, page) => `${metric} above its threshold on ${page} at ${shop}`,
  sreResolvedTitle: (shop, metric, page) => `Resolved: ${metric} back under its threshold on ${page} at ${shop}`,
  sreFiringSummary: (o) => `${o.metric} over the last ${o.window} is ${o.value}, above the threshold of ${o.threshold}.`,
  sreResolvedSummary: (o) => `${o.metric} over the last ${o.window} is ${o.value}, back under the threshold of ${o.threshold}.`,
  sreNoTraffic: (metric) => `No traffic left on this page to measure ${metric}: the alert is resolved.`,
  openSre: 'Open in Touchpoint',
  digestSubject: (shop, n) => `${n} alerts at ${shop}`,
  digestIntro: (n, since, every) => `${n} alerts since ${since}, oldest first. Touchpoint sends at most one alert email every ${every} for this shop (TOUCHPOINT_ALERT_DIGEST).`,
};

const de: Words = {
  locale: 'de-DE',
  checkoutFailedTitle: (shop, money) => `Bestellung fehlgeschlagen bei ${shop}${money ? `: ${money}` : ''}`,
  checkoutStuckTitle: (shop, money) => `Bestellung hängt bei ${shop}${money ? `: ${money}` : ''}`,
  checkoutFailedSummary: (o) => `Der Bestellvorgang eines Kunden${o.money ? ` über ${o.money}` : ''} bei ${o.shop} ist am ${o.when} fehlgeschlagen${o.step ? `, im Schritt ${o.step}` : ''}.`,
  checkoutStuckSummary: (o) =>
    `Der Bestellvorgang eines Kunden${o.money ? ` über ${o.money}` : ''} bei ${o.shop} ist${o.step ? ` im Schritt ${o.step}` : ''} stehen geblieben und geht nicht weiter; Touchpoint hat ihn am ${o.when} als hängend gezählt.`,
  label: { when: 'Wann', value: 'Wert', step: 'Schritt', wrong: 'Was schiefging', customer: 'Kunde', contact: 'Kontakt zum Kunden', checkout: 'Bestellvorgang', failed: 'Fehlgeschlagene Bestellungen', since: 'Seit', atRisk: 'Betrag darin', metric: 'Messwert', page: 'Seite', measured: 'Gemessen', threshold: 'Schwelle', samples: 'Gemessene Seitenaufrufe', window: 'Zeitraum', phone: 'Rückrufnummer' },
  reported: (reason) => `der Shop meldete „${reason}“`,
  request: (method, path, status) => (status === 0 ? `die Anfrage ${method} ${path} bekam keine Antwort (Netzwerkfehler)` : `die Anfrage ${method} ${path} antwortete mit HTTP ${status}`),
  contacting: (channels, sendAt) => (sendAt ? `Touchpoint meldet sich ${channels} um ${sendAt}, wenn die Ruhezeit endet` : `Touchpoint meldet sich jetzt ${channels}`),
  contactingAfterNudge: (channels, sendAt) => `Touchpoint hat zuerst auf der geöffneten Seite Hilfe angeboten; nimmt der Kunde sie nicht an, meldet sich Touchpoint ${channels} um ${sendAt}`,
  nudgedOnly: 'Touchpoint hat auf der geöffneten Seite Hilfe angeboten (anders ist der Kunde nicht erreichbar: keine E-Mail-Adresse, kein Outreach-Webhook)',
  callbackTitle: (shop, money) => `Rückruf gewünscht bei ${shop}${money ? `: ${money}` : ''}`,
  callbackSummary: (o) => `Ein Kunde, dessen Bestellvorgang${o.money ? ` über ${o.money}` : ''} bei ${o.shop} nicht weiterkam, hat am ${o.when} auf der Seite um einen Rückruf gebeten.`,
  channel: { email: 'per E-Mail', webhook: 'über den Outreach-Webhook' },
  and: 'und',
  notContacted: {
    no_consent: 'nicht kontaktiert: keine Einwilligung zur Kontaktaufnahme',
    suppressed: 'nicht kontaktiert: steht auf der Sperrliste',
    cooldown: 'nicht kontaktiert: wurde kürzlich wegen einer anderen Bestellung kontaktiert',
    completed: 'nicht kontaktiert: hat inzwischen eine Bestellung abgeschlossen',
    no_channel: 'nicht kontaktiert: kein Weg, den Kunden zu erreichen (keine E-Mail-Adresse, kein Outreach-Webhook)',
    nudge_acted: 'auf der Seite geholfen: der Kunde hat den Hinweis auf der Seite genutzt, daher keine E-Mail',
    holdout: 'absichtlich nicht kontaktiert: in der Kontrollgruppe, die zeigt, was die Ansprache bewirkt',
    anonymous: 'nicht kontaktiert: zu diesem Bestellvorgang ist niemand bekannt',
  },
  unknown: 'unbekannt',
  anonymousCustomer: 'anonym',
  openCheckout: 'Diesen Bestellvorgang in Touchpoint öffnen',
  rateTitle: (shop, n, duration) => `${n} Bestellungen in ${duration} fehlgeschlagen bei ${shop}`,
  rateSummary: (o) =>
    `Mehr als ${o.threshold} Bestellungen sind innerhalb von ${o.window} bei ${o.shop} fehlgeschlagen: ${o.n} seit ${o.since}. Weitere Fehlschläge in diesem Zeitraum zählen zu dieser Meldung statt zu je einer eigenen; Kunden werden weiterhin einzeln kontaktiert.`,
  openCheckouts: 'Diese Bestellvorgänge in Touchpoint öffnen',
  errorRate: 'Fehlerquote (Seitenaufrufe mit JavaScript-Fehler)',
  wholeSite: 'allen Seiten',
  sreFiringTitle: (shop, metric, page) => `${metric} über der Schwelle auf ${page} bei ${shop}`,
  sreResolvedTitle: (shop, metric, page) => `Behoben: ${metric} wieder unter der Schwelle auf ${page} bei ${shop}`,
  sreFiringSummary: (o) => `${o.metric}, gemessen über ${o.window}, liegt bei ${o.value}, über der Schwelle von ${o.threshold}.`,
  sreResolvedSummary: (o) => `${o.metric}, gemessen über ${o.window}, liegt bei ${o.value}, wieder unter der Schwelle von ${o.threshold}.`,
  sreNoTraffic: (metric) => `Auf dieser Seite gibt es keinen Verkehr mehr, um ${metric} zu messen: die Meldung ist behoben.`,
  openSre: 'In Touchpoint öffnen',
  digestSubject: (shop, n) => `${n} Meldungen bei ${shop}`,
  digestIntro: (n, since, every) => `${n} Meldungen seit ${since}, älteste zuerst. Touchpoint schickt für diesen Shop höchstens eine Meldungs-E-Mail alle ${every} (TOUCHPOINT_ALERT_DIGEST).`,
};

const fr: Words = {
  locale: 'fr-FR',
  checkoutFailedTitle: (shop, money) => `Commande échouée chez ${shop}${money ? ` : ${money}` : ''}`,
  checkoutStuckTitle: (shop, money) => `Commande bloquée chez ${shop}${money ? ` : ${money}` : ''}`,
  checkoutFailedSummary: (o) => `La commande d'un client${o.money ? ` de ${o.money}` : ''} chez ${o.shop} a échoué le ${o.when}${o.step ? `, à l'étape ${o.step}` : ''}.`,
  checkoutStuckSummary: (o) =>
    `La commande d'un client${o.money ? ` de ${o.money}` : ''} chez ${o.shop} s'est arrêtée${o.step ? ` à l'étape ${o.step}` : ''} et n'avance plus ; Touchpoint l'a comptée comme bloquée le ${o.when}.`,
  label: { when: 'Quand', value: 'Montant', step: 'Étape', wrong: 'Ce qui a échoué', customer: 'Client', contact: 'Contact client', checkout: 'Commande', failed: 'Commandes échouées', since: 'Depuis', atRisk: 'Montant concerné', metric: 'Mesure', page: 'Page', measured: 'Mesuré', threshold: 'Seuil', samples: 'Pages mesurées', window: 'Sur', phone: 'Numéro à rappeler' },
  reported: (reason) => `la boutique a signalé « ${reason} »`,
  request: (method, path, status) => (status === 0 ? `la requête ${method} ${path} n'a reçu aucune réponse (erreur réseau)` : `la requête ${method} ${path} a répondu HTTP ${status}`),
  contacting: (channels, sendAt) => (sendAt ? `Touchpoint le contactera ${channels} à ${sendAt}, à la fin des heures calmes` : `Touchpoint le contacte maintenant ${channels}`),
  contactingAfterNudge: (channels, sendAt) => `Touchpoint a d'abord proposé de l'aide sur la page ouverte ; s'il ne l'utilise pas, Touchpoint le contactera ${channels} à ${sendAt}`,
  nudgedOnly: "Touchpoint a proposé de l'aide sur la page ouverte (aucun autre moyen de le joindre : pas d'adresse e-mail, pas de webhook de contact)",
  callbackTitle: (shop, money) => `Rappel demandé chez ${shop}${money ? ` : ${money}` : ''}`,
  callbackSummary: (o) => `Un client dont la commande${o.money ? ` de ${o.money}` : ''} chez ${o.shop} a rencontré un problème a demandé sur la page, le ${o.when}, à être rappelé.`,
  channel: { email: 'par e-mail', webhook: 'via le webhook de contact' },
  and: 'et',
  notContacted: {
    no_consent: "non contacté : il n'a pas accepté d'être contacté",
    suppressed: 'non contacté : il figure sur la liste des personnes à ne pas contacter',
    cooldown: 'non contacté : il a été contacté récemment pour une autre commande',
    completed: 'non contacté : il a finalisé une commande entre-temps',
    no_channel: "non contacté : aucun moyen de le joindre (pas d'adresse e-mail, pas de webhook de contact)",
    nudge_acted: "aidé sur la page : le client a utilisé le message affiché sur la page, donc pas d'e-mail",
    holdout: "volontairement non contacté : il fait partie du groupe témoin qui mesure l'effet des relances",
    anonymous: "non contacté : personne n'est connu pour cette commande",
  },
  unknown: 'inconnu',
  anonymousCustomer: 'anonyme',
  openCheckout: 'Ouvrir cette commande dans Touchpoint',
  rateTitle: (shop, n, duration) => `${n} commandes échouées en ${duration} chez ${shop}`,
  rateSummary: (o) =>
    `Plus de ${o.threshold} commandes ont échoué en ${o.window} chez ${o.shop} : ${o.n} depuis ${o.since}. Les échecs suivants de cette période sont comptés dans cette alerte au lieu d'une alerte chacun ; les clients sont toujours contactés un par un.`,
  openCheckouts: 'Ouvrir ces commandes dans Touchpoint',
  errorRate: "Taux d'erreurs (pages avec une erreur JavaScript)",
  wholeSite: 'toutes les pages',
  sreFiringTitle: (shop, metric, page) => `${metric} au-dessus du seuil sur ${page} chez ${shop}`,
  sreResolvedTitle: (shop, metric, page) => `Résolu : ${metric} repassé sous le seuil sur ${page} chez ${shop}`,
  sreFiringSummary: (o) => `${o.metric}, mesuré sur ${o.window}, est de ${o.value}, au-dessus du seuil de ${o.threshold}.`,
  sreResolvedSummary: (o) => `${o.metric}, mesuré sur ${o.window}, est de ${o.value}, repassé sous le seuil de ${o.threshold}.`,
  sreNoTraffic: (metric) => `Plus de trafic sur cette page pour mesurer ${metric} : l'alerte est résolue.`,
  openSre: 'Ouvrir dans Touchpoint',
  digestSubject: (shop, n) => `${n} alertes chez ${shop}`,
  digestIntro: (n, since, every) => `${n} alertes depuis ${since}, les plus anciennes d'abord. Touchpoint envoie au plus un e-mail d'alerte toutes les ${every} pour cette boutique (TOUCHPOINT_ALERT_DIGEST).`,
};

const es: Words = {
  locale: 'es-ES',
  checkoutFailedTitle: (shop, money) => `Compra fallida en ${shop}${money ? `: ${money}` : ''}`,
  checkoutStuckTitle: (shop, money) => `Compra detenida en ${shop}${money ? `: ${money}` : ''}`,
  checkoutFailedSummary: (o) => `La compra de un cliente${o.money ? ` de ${o.money}` : ''} en ${o.shop} falló el ${o.when}${o.step ? `, en el paso ${o.step}` : ''}.`,
  checkoutStuckSummary: (o) =>
    `La compra de un cliente${o.money ? ` de ${o.money}` : ''} en ${o.shop} se detuvo${o.step ? ` en el paso ${o.step}` : ''} y no avanza; Touchpoint la contó como detenida el ${o.when}.`,
  label: { when: 'Cuándo', value: 'Importe', step: 'Paso', wrong: 'Qué falló', customer: 'Cliente', contact: 'Contacto con el cliente', checkout: 'Compra', failed: 'Compras fallidas', since: 'Desde', atRisk: 'Importe en ellas', metric: 'Métrica', page: 'Página', measured: 'Medido', threshold: 'Umbral', samples: 'Páginas medidas', window: 'Periodo', phone: 'Número al que llamar' },
  reported: (reason) => `la tienda informó «${reason}»`,
  request: (method, path, status) => (status === 0 ? `la petición ${method} ${path} no obtuvo respuesta (fallo de red)` : `la petición ${method} ${path} respondió HTTP ${status}`),
  contacting: (channels, sendAt) => (sendAt ? `Touchpoint le escribirá ${channels} a las ${sendAt}, al terminar las horas de silencio` : `Touchpoint le está escribiendo ahora ${channels}`),
  contactingAfterNudge: (channels, sendAt) => `Touchpoint ofreció ayuda primero en la página abierta; si no la usa, le escribirá ${channels} a las ${sendAt}`,
  nudgedOnly: 'Touchpoint ofreció ayuda en la página abierta (no hay otra forma de contactarle: sin correo, sin webhook de contacto)',
  callbackTitle: (shop, money) => `Piden que les llamen en ${shop}${money ? `: ${money}` : ''}`,
  callbackSummary: (o) => `Un cliente cuya compra${o.money ? ` de ${o.money}` : ''} en ${o.shop} tuvo un problema pidió en la página, el ${o.when}, que le llamen.`,
  channel: { email: 'por correo', webhook: 'mediante el webhook de contacto' },
  and: 'y',
  notContacted: {
    no_consent: 'no contactado: no ha aceptado que se le contacte',
    suppressed: 'no contactado: está en la lista de no contactar',
    cooldown: 'no contactado: se le contactó hace poco por otra compra',
    completed: 'no contactado: completó una compra mientras tanto',
    no_channel: 'no contactado: no hay forma de contactarle (sin correo, sin webhook de contacto)',
    nudge_acted: 'ayudado en la página: usó el aviso de la página, así que no se envió correo',
    holdout: 'no contactado a propósito: está en el grupo de control que mide el efecto del contacto',
    anonymous: 'no contactado: no se conoce a nadie para esta compra',
  },
  unknown: 'desconocido',
  anonymousCustomer: 'anónimo',
  openCheckout: 'Abrir esta compra en Touchpoint',
  rateTitle: (shop, n, duration) => `${n} compras fallidas en ${duration} en ${shop}`,
  rateSummary: (o) =>
    `Más de ${o.threshold} compras fallaron en ${o.window} en ${o.shop}: ${o.n} desde el ${o.since}. Los siguientes fallos de este periodo se cuentan en esta alerta en lugar de una alerta cada uno; a los clientes se les sigue contactando uno a uno.`,
  openCheckouts: 'Abrir estas compras en Touchpoint',
  errorRate: 'Tasa de errores (páginas con un error de JavaScript)',
  wholeSite: 'todas las páginas',
  sreFiringTitle: (shop, metric, page) => `${metric} por encima del umbral en ${page} en ${shop}`,
  sreResolvedTitle: (shop, metric, page) => `Resuelto: ${metric} de nuevo bajo el umbral en ${page} en ${shop}`,
  sreFiringSummary: (o) => `${o.metric}, medido durante ${o.window}, es ${o.value}, por encima del umbral de ${o.threshold}.`,
  sreResolvedSummary: (o) => `${o.metric}, medido durante ${o.window}, es ${o.value}, de nuevo bajo el umbral de ${o.threshold}.`,
  sreNoTraffic: (metric) => `No queda tráfico en esta página para medir ${metric}: la alerta está resuelta.`,
  openSre: 'Abrir en Touchpoint',
  digestSubject: (shop, n) => `${n} alertas en ${shop}`,
  digestIntro: (n, since, every) => `${n} alertas desde ${since}, de la más antigua a la más reciente. Touchpoint envía como mucho un correo de alertas cada ${every} para esta tienda (TOUCHPOINT_ALERT_DIGEST).`,
};

const WORDS: Record<string, Words> = { en, de, fr, es };
export const ALERT_COPY_LANGUAGES = Object.keys(WORDS);

/** `de-AT` → `de`; anything else falls back to English. */
export const alertLanguage = (language: string | undefined): string => pickLanguage(language, ALERT_COPY_LANGUAGES);

export interface CopyOptions {
  language: string;
  timeZone: string;
}

/** Formats for one language and time zone. */
export function formats(o: CopyOptions) {
  const w = WORDS[alertLanguage(o.language)] ?? en;
  const time = new Intl.DateTimeFormat(w.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: o.timeZone });
  const clock = new Intl.DateTimeFormat(w.locale, { timeStyle: 'short', timeZone: o.timeZone });
  return {
    w,
    when: (at: number) => `${time.format(at)} (${o.timeZone})`,
    clock: (at: number) => `${clock.format(at)} (${o.timeZone})`,
    money: (value: number, currency?: string) => {
      if (currency) {
        try {
          return new Intl.NumberFormat(w.locale, { style: 'currency', currency, currencyDisplay: 'code' }).format(value);
        } catch {
          // Not an ISO 4217 code the runtime knows: the number and the code as sent.
        }
      }
      const n = new Intl.NumberFormat(w.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
      return currency ? `${n} ${currency}` : n;
    },
    duration: (ms: number) => {
      const [unit, n] = ms >= 7_200_000 ? (['hour', ms / 3_600_000] as const) : ms >= 120_000 ? (['minute', ms / 60_000] as const) : (['second', Math.max(1, ms / 1000)] as const);
      return new Intl.NumberFormat(w.locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.round(n));
    },
    number: (n: number) => new Intl.NumberFormat(w.locale, { maximumFractionDigits: 2 }).format(n),
  };
}

export type Formats = ReturnType<typeof formats>;

export function failureWords(f: CheckoutFailure, w: Words): string {
  return f.kind === 'reported' ? w.reported(f.reason) : w.request(f.method, f.path, f.status);
}

export function contactWords(c: CustomerContact, fmt: Formats): string {
  const { w } = fmt;
  if (c.status === 'anonymous') return w.notContacted.anonymous;
  if (c.status === 'not_contacted') return w.notContacted[c.reason];
  const names = c.channels.map((ch) => w.channel[ch]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} ${w.and} ${names[names.length - 1]}` : (names[0] ?? '');
  if (c.nudged && !c.channels.length) return w.nudgedOnly;
  if (c.nudged && c.sendAt !== undefined) return w.contactingAfterNudge(list, fmt.clock(c.sendAt));
  return w.contacting(list, c.sendAt === undefined ? undefined : fmt.clock(c.sendAt));
}

function checkoutText(a: CheckoutAlert, fmt: Formats): AlertText {
  const { w } = fmt;
  const money = a.value !== undefined ? fmt.money(a.value, a.currency) : undefined;
  const when = fmt.when(a.at);
  const o = { shop: a.shop, when, ...(money ? { money } : {}), ...(a.step ? { step: a.step } : {}) };
  const failed = a.reason === 'checkout_error';
  const facts: AlertFact[] = [
    { label: w.label.when, value: when },
    { label: w.label.value, value: money ?? w.unknown },
    { label: w.label.step, value: a.step ?? w.unknown },
  ];
  if (a.failures?.length) facts.push({ label: w.label.wrong, value: a.failures.map((f) => failureWords(f, w)).join('; ') });
  facts.push(
    { label: w.label.customer, value: a.customer ?? w.anonymousCustomer },
    { label: w.label.contact, value: contactWords(a.contact, fmt) },
  );
  if (a.checkout) facts.push({ label: w.label.checkout, value: a.checkout });
  return {
    title: failed ? w.checkoutFailedTitle(a.shop, money) : w.checkoutStuckTitle(a.shop, money),
    summary: failed ? w.checkoutFailedSummary(o) : w.checkoutStuckSummary(o),
    facts,
    link: { label: w.openCheckout, url: a.link },
    tone: failed ? 'attention' : 'warning',
  };
}

function callbackText(a: CallbackAlert, fmt: Formats): AlertText {
  const { w } = fmt;
  const money = a.value !== undefined ? fmt.money(a.value, a.currency) : undefined;
  const when = fmt.when(a.at);
  const facts: AlertFact[] = [
    { label: w.label.phone, value: a.phone },
    { label: w.label.customer, value: a.customer },
    { label: w.label.when, value: when },
    { label: w.label.value, value: money ?? w.unknown },
  ];
  if (a.checkout) facts.push({ label: w.label.checkout, value: a.checkout });
  return {
    title: w.callbackTitle(a.shop, money),
    summary: w.callbackSummary({ shop: a.shop, when, ...(money ? { money } : {}) }),
    facts,
    link: { label: w.openCheckout, url: a.link },
    tone: 'attention',
  };
}

function rateText(a: RateAlert, fmt: Formats): AlertText {
  const { w } = fmt;
  const duration = fmt.duration(Math.max(1000, a.at - a.since));
  const atRisk = a.atRisk.length ? a.atRisk.map((m) => fmt.money(m.value, m.currency)).join(', ') : w.unknown;
  return {
    title: w.rateTitle(a.shop, a.failedCheckouts, duration),
    summary: w.rateSummary({ shop: a.shop, n: a.failedCheckouts, threshold: a.threshold, window: fmt.duration(a.windowSeconds * 1000), since: fmt.when(a.since) }),
    facts: [
      { label: w.label.failed, value: String(a.failedCheckouts) },
      { label: w.label.since, value: fmt.when(a.since) },
      { label: w.label.atRisk, value: atRisk },
    ],
    link: { label: w.openCheckouts, url: a.link },
    tone: 'attention',
  };
}

/** `12.3 ms`, `0.25` for CLS, `7.5 %` for the error rate. */
export function figure(a: SreAlert, v: number | null, fmt: Formats): string {
  if (v === null) return fmt.w.unknown;
  if (a.metric === 'error_rate_percent') return `${fmt.number(v)} %`;
  if (a.metric === 'CLS') return fmt.number(v);
  return `${fmt.number(Math.round(v))} ms`;
}

/** `LCP p75`, or the error rate in words. */
export function metricName(a: SreAlert, w: Words): string {
  return a.metric === 'error_rate_percent' ? w.errorRate : `${a.metric}${a.quantile !== null ? ` p${Math.round(a.quantile * 100)}` : ''}`;
}

function sreText(a: SreAlert, fmt: Formats): AlertText {
  const { w } = fmt;
  const metric = metricName(a, w);
  const page = a.path ?? w.wholeSite;
  const window = a.windowSeconds !== null ? fmt.duration(a.windowSeconds * 1000) : w.unknown;
  const o = { metric, value: figure(a, a.value, fmt), threshold: figure(a, a.threshold, fmt), window };
  const firing = a.state === 'firing';
  const facts: AlertFact[] = [
    { label: w.label.when, value: fmt.when(a.at) },
    { label: w.label.metric, value: metric },
    { label: w.label.page, value: page },
    { label: w.label.measured, value: o.value },
    { label: w.label.threshold, value: o.threshold },
    { label: w.label.window, value: window },
  ];
  if (a.samples !== null) facts.push({ label: w.label.samples, value: String(a.samples) });
  return {
    title: firing ? w.sreFiringTitle(a.shop, metric, page) : w.sreResolvedTitle(a.shop, metric, page),
    summary: firing ? w.sreFiringSummary(o) : a.value === null ? w.sreNoTraffic(metric) : w.sreResolvedSummary(o),
    facts,
    link: { label: w.openSre, url: a.link },
    tone: firing ? 'attention' : 'good',
  };
}

export function describeAlert(a: Alert, o: CopyOptions): AlertText {
  const fmt = formats(o);
  if (a.kind === 'checkout') return checkoutText(a, fmt);
  if (a.kind === 'rate') return rateText(a, fmt);
  if (a.kind === 'callback') return callbackText(a, fmt);
  return sreText(a, fmt);
}

/** Title and opening line for several alerts of one shop in one message (the email digest). */
export function describeDigest(alerts: readonly Alert[], o: CopyOptions & { everyMs: number }): { title: string; intro: string } {
  const fmt = formats(o);
  const shop = alerts[0]?.shop ?? '';
  const since = Math.min(...alerts.map((a) => a.at));
  return { title: fmt.w.digestSubject(shop, alerts.length), intro: fmt.w.digestIntro(alerts.length, fmt.when(since), fmt.duration(o.everyMs)) };
}

/** The whole alert as plain text lines (email text, the webhook's `text`). */
export function alertPlainText(t: AlertText): string {
  const width = Math.max(...t.facts.map((f) => f.label.length));
  return [t.summary, '', ...t.facts.map((f) => `${`${f.label}:`.padEnd(width + 2)}${f.value}`), '', `${t.link.label}: ${t.link.url}`].join('\n');
}
