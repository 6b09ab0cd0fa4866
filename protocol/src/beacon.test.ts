import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { beaconSchema, EVENT_TYPES, type Beacon } from './beacon.ts';
import { MAX_COMMENT_CHARS, NUDGE_OUTCOMES, PROMPT_REF_MAX, PROMPT_REF_PATTERN, SURVEY_KINDS, SURVEY_SCALES, SURVEY_TRIGGERS } from './prompts.ts';

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

  it('the nudge and feedback schemas hold the prompt contract’s sets and limits', () => {
    const { nudge, feedback } = beaconSchema.$defs;
    expect(nudge.properties.outcome.enum).toEqual([...NUDGE_OUTCOMES]);
    // Prompt and incident ids: what the prompt channel delivers is what the schema takes back.
    const ref = (beaconSchema as unknown as { $defs: Record<string, { pattern: string; maxLength: number }> }).$defs.promptRef!;
    expect([ref.pattern, ref.maxLength]).toEqual([PROMPT_REF_PATTERN, PROMPT_REF_MAX]);
    expect(feedback.properties.survey.enum).toEqual([...SURVEY_KINDS]);
    expect(feedback.properties.trigger.enum).toEqual([...SURVEY_TRIGGERS]);
    expect(feedback.properties.comment.maxLength).toBe(MAX_COMMENT_CHARS);
    // The schema holds every scale; each survey's own is checked by the collector.
    expect(feedback.properties.score.minimum).toBe(Math.min(...Object.values(SURVEY_SCALES).map(([lo]) => lo)));
    expect(feedback.properties.score.maximum).toBe(Math.max(...Object.values(SURVEY_SCALES).map(([, hi]) => hi)));
  });

  it('refuses nudge and feedback events that break their type', () => {
    const nudge = { type: 'nudge', at: 1, prompt: 'nudge/checkout_error%2Fco-1', incident: 'checkout_error/co-1' };
    expect(validateEvent({ ...nudge, outcome: 'call_back', phone: '+61 (0)412 345-678' })).toBe(true);
    expect(validateEvent({ ...nudge, outcome: 'call_back' })).toBe(true);
    // A phone only rides with a call-back, and looks like one.
    expect(validateEvent({ ...nudge, outcome: 'shown', phone: '0412345678' })).toBe(false);
    expect(validateEvent({ ...nudge, outcome: 'call_back', phone: 'call me at noon' })).toBe(false);
    expect(validateEvent({ ...nudge, outcome: 'call_back', phone: '12345' })).toBe(false);
    expect(validateEvent({ ...nudge, outcome: 'call_back', phone: '1'.repeat(25) })).toBe(false);
    expect(validateEvent({ ...nudge, outcome: 'clicked' })).toBe(false);
    expect(validateEvent({ ...nudge, incident: 'kim@example.com', outcome: 'shown' })).toBe(false);
    expect(validateEvent({ ...nudge, prompt: 'a b', outcome: 'shown' })).toBe(false);
    expect(validateEvent({ ...nudge, prompt: 'x'.repeat(513), outcome: 'shown' })).toBe(false);

    const answer = { type: 'feedback', at: 1, prompt: 'survey/s-1', survey: 'nps', trigger: 'complete' };
    expect(validateEvent({ ...answer, score: 10, comment: 'x'.repeat(MAX_COMMENT_CHARS) })).toBe(true);
    expect(validateEvent({ ...answer, score: 10, comment: 'x'.repeat(MAX_COMMENT_CHARS + 1) })).toBe(false);
    expect(validateEvent({ ...answer, score: 11 })).toBe(false);
    expect(validateEvent({ ...answer, score: 7.5 })).toBe(false);
    expect(validateEvent({ ...answer, score: 5, survey: 'sus' })).toBe(false);
    expect(validateEvent({ ...answer, score: 5, trigger: 'exit' })).toBe(false);
    expect(validateEvent({ ...answer })).toBe(false);

    expect(validateEvent({ type: 'checkout', at: 1, step: 'start', id: 'c', resumeUrl: 'javascript:alert(1)' })).toBe(false);
  });
});
