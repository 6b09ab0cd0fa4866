import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { beaconSchema, EVENT_TYPES, type Beacon, type BeaconEvent, type EventType } from '@touchpoint/protocol';
import { SURVEY_SCALES } from '@touchpoint/protocol/prompts';

/** Events may be older than the beacon (queued offline, sent on the next page) but not by much. */
const MAX_EVENT_AGE_MS = 7 * 24 * 3600_000;
/** …and not later than it: the browser stamps both with the same clock. */
const MAX_EVENT_LEAD_MS = 60_000;

export interface BeaconValidator {
  /** Checks the envelope; returns what is wrong, naming the field, or undefined. */
  beacon(value: unknown): value is Beacon;
  beaconError(): string;
  /** Checks one event; returns why it is rejected, or undefined when it is valid. */
  event(value: unknown, sentAt: number): string | undefined;
}

/** Compiled once at start: compiled Ajv code is what keeps validation near JSON.parse's cost. */
export function createBeaconValidator(): BeaconValidator {
  const ajv = new Ajv({ allErrors: false, strict: true, discriminator: true });
  ajv.addSchema(beaconSchema, 'beacon');
  const envelope = ajv.getSchema('beacon') as ValidateFunction<Beacon>;
  const byType = new Map<string, ValidateFunction<BeaconEvent>>(
    EVENT_TYPES.map((t) => [t, ajv.getSchema(`beacon#/$defs/${t}`) as ValidateFunction<BeaconEvent>]),
  );
  const known = EVENT_TYPES.join(', ');
  return {
    beacon: (value): value is Beacon => envelope(value),
    beaconError: () => describe(envelope.errors, 'beacon'),
    event(value, sentAt) {
      // Events are judged one by one: a null or a number among them is refused alone.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `an event must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
      const type = (value as { type?: unknown }).type;
      const check = typeof type === 'string' ? byType.get(type) : undefined;
      if (!check) return `unknown event type ${JSON.stringify(type)}; expected one of ${known}`;
      if (!check(value)) return describe(check.errors, type as EventType);
      const event = value as BeaconEvent;
      // The schema holds every survey's scale at once (0–10); each answer is held to its own.
      if (event.type === 'feedback') {
        const [min, max] = SURVEY_SCALES[event.survey];
        if (event.score < min || event.score > max) return `score must be within ${min}–${max} for a ${event.survey} survey`;
      }
      const at = event.at;
      if (at > sentAt + MAX_EVENT_LEAD_MS) return '"at" is later than the beacon\'s sentAt';
      if (at < sentAt - MAX_EVENT_AGE_MS) return '"at" is more than 7 days before the beacon\'s sentAt';
      return undefined;
    },
  };
}

function describe(errors: ErrorObject[] | null | undefined, what: string): string {
  const e = errors?.[0];
  if (!e) return `invalid ${what}`;
  const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : what;
  // The nudge schema's if/then: a phone number comes only with a call-back.
  if (what === 'nudge' && e.schemaPath.includes('/then/')) return 'phone is sent only with outcome "call_back"';
  if (e.keyword === 'additionalProperties') {
    return `${field} has an unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (e.keyword === 'enum') {
    return `${field} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${field} ${e.message ?? 'is invalid'}`;
}
