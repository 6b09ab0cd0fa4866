/**
 * The privacy decision for every string in `protocol/beacon.schema.json`, in one place.
 * fields.test.ts walks the schema and fails when a string field (a property, a map's values, a
 * map's property names) has no decision here, or a decision names a field the schema no longer
 * has; docs/beacon-protocol.md shows this table with each field's cap, and the test keeps the
 * two equal.
 *
 * Paths: envelope fields by name (`page`); event fields as `<event type>.<field>`
 * (`error.stack`), nested with dots (`vital.attribution.url`); a map's values as `.*`
 * (`custom.props.*`) and its property names as `.<name>` (`custom.props.<name>`); the event
 * union's own discriminator is `event.type`.
 */
export type FieldTreatment =
  /** `scrubUrl`; where the path becomes a dimension, `normalizeRoute` too. */
  | 'url'
  /** `scrubText`: free text, messages and stacks. */
  | 'text'
  /** `scrubText`: a CSS selector may carry ids, attribute values and class names. */
  | 'selector'
  /** `scrubText`: a short name stored as a grouping key (checkout ids, event names, prop names). */
  | 'label'
  /** `scrubText`: a host name (a label can hold an id). */
  | 'host'
  /** A pseudonymous id: refused with a per-event reason when `personalIdReason` names one, else stored as sent. */
  | 'id'
  /** Personal by design, for outreach: kept in the outreach store (Redis) only, never in ClickHouse or on a dashboard. */
  | 'contact-redis-only'
  /** An enum, a constant, or a pattern with no room for personal data: stored as sent. */
  | 'closed-code';

export const FIELD_TREATMENTS = {
  session: 'id',
  customer: 'id',
  page: 'url',
  connection: 'closed-code',
  // Its pattern admits an email (`a@b.example`) or a card's digits: scrubbed like any short name.
  release: 'label',
  'event.type': 'closed-code',

  'vital.type': 'closed-code',
  'vital.name': 'closed-code',
  'vital.rating': 'closed-code',
  'vital.navigationType': 'closed-code',
  'vital.attribution.target': 'selector',
  'vital.attribution.url': 'url',
  'vital.attribution.phases.<name>': 'closed-code',

  'nav.type': 'closed-code',

  'resource.type': 'closed-code',
  'resource.host': 'host',

  'error.type': 'closed-code',
  'error.kind': 'closed-code',
  'error.message': 'text',
  'error.stack': 'text',
  'error.source': 'url',

  'http.type': 'closed-code',
  'http.method': 'closed-code',
  'http.url': 'url',

  'checkout.type': 'closed-code',
  'checkout.step': 'closed-code',
  'checkout.id': 'label',
  'checkout.name': 'label',
  'checkout.reason': 'text',
  'checkout.currency': 'closed-code',
  'checkout.orderId': 'label',
  // Sent to the customer in "email me my basket": scrubbed, and carried in the signal only.
  'checkout.resumeUrl': 'url',

  'identify.type': 'closed-code',
  'identify.customer': 'id',
  'identify.email': 'contact-redis-only',
  // Its pattern lets digits through (`en-41111111`): it stays beside the email, in Redis.
  'identify.language': 'contact-redis-only',

  'custom.type': 'closed-code',
  'custom.name': 'label',
  'custom.props.<name>': 'label',
  'custom.props.*': 'text',

  // Ids of a prompt and of an incident (joinId's characters only), kept as grouping keys.
  'nudge.type': 'closed-code',
  'nudge.prompt': 'label',
  'nudge.incident': 'label',
  'nudge.outcome': 'closed-code',
  // For a call-back: in the signal to the worker (a marketer alert), never in ClickHouse.
  'nudge.phone': 'contact-redis-only',

  'feedback.type': 'closed-code',
  'feedback.prompt': 'label',
  'feedback.survey': 'closed-code',
  'feedback.comment': 'text',
  'feedback.trigger': 'closed-code',
  'feedback.checkout': 'label',
  'feedback.step': 'label',
  'feedback.incident': 'label',
} as const satisfies Record<string, FieldTreatment>;

export type FieldPath = keyof typeof FIELD_TREATMENTS;
