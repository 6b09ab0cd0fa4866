import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { beaconSchema, EVENT_TYPES, type Beacon } from './beacon.ts';

const ajv = new Ajv({ strict: true, discriminator: true, allErrors: true });
ajv.addSchema(beaconSchema, 'beacon');
const validateBeacon = ajv.getSchema('beacon')!;
const validateEvent = ajv.getSchema('beacon#/$defs/event')!;

const examplesDir = new URL('../examples/', import.meta.url);
const examples = readdirSync(examplesDir).map((f) => [f, JSON.parse(readFileSync(new URL(f, examplesDir), 'utf8')) as Beacon] as const);

describe('beacon protocol v1', () => {
  it.each(examples)('example %s is a valid beacon with valid events', (_name, b) => {
    expect(validateBeacon(b), JSON.stringify(validateBeacon.errors)).toBe(true);
    for (const e of b.events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
  });

  it('the examples cover every event type', () => {
    const seen = new Set(examples.flatMap(([, b]) => b.events.map((e) => e.type)));
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('the schema and the types name the same event types', () => {
    const schemaTypes = (beaconSchema.$defs.event.properties.type.enum as string[]).slice().sort();
    expect(schemaTypes).toEqual([...EVENT_TYPES].sort());
    for (const t of EVENT_TYPES) expect(beaconSchema.$defs).toHaveProperty(t);
  });

  it('refuses events that break their type', () => {
    expect(validateEvent({ type: 'vital', at: 1, name: 'LCP', value: -1 })).toBe(false);
    expect(validateEvent({ type: 'checkout', at: 1, step: 'abandon', id: 'c' })).toBe(false);
    expect(validateEvent({ type: 'identify', at: 1, customer: 'c', consent: {} })).toBe(false);
    expect(validateEvent({ type: 'custom', at: 1, name: 'n', props: { nested: { a: 1 } } })).toBe(false);
  });
});
