/**
 * Beacon protocol v1: the body of `POST /v1/beacon`.
 *
 * These types mirror `../beacon.schema.json`, which is what the collector validates with and
 * what the load tests generate from; `beacon.test.ts` keeps the two in step by validating the
 * example payloads (typed as `Beacon`) against the schema.
 */
import schema from '../beacon.schema.json' with { type: 'json' };
import type { NudgeOutcome, SurveyKind, SurveyTrigger } from './prompts.ts';

export const PROTOCOL_VERSION = 1;
/** The collector refuses larger bodies with 413; the agent splits batches to stay under 60 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_EVENTS_PER_BEACON = 200;

export const EVENT_TYPES = ['vital', 'nav', 'resource', 'error', 'http', 'checkout', 'identify', 'custom', 'nudge', 'feedback'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const VITAL_NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export type VitalName = (typeof VITAL_NAMES)[number];

export const NAV_PHASES = ['dns', 'tcp', 'tls', 'ttfb', 'download', 'domInteractive', 'domComplete', 'load'] as const;
export type NavPhase = (typeof NAV_PHASES)[number];

export type Rating = 'good' | 'needs-improvement' | 'poor';
export type ConnectionType = 'slow-2g' | '2g' | '3g' | '4g' | 'unknown';

export interface Beacon {
  v: 1;
  /** One id per tab session, chosen by the agent. */
  session: string;
  /** Pseudonymous customer id; the agent sends it only once consent allows. */
  customer?: string;
  /** The page (or soft navigation) the events belong to. */
  page: string;
  /** The browser's clock when the beacon left: the collector corrects event times by it. */
  sentAt: number;
  connection?: ConnectionType;
  /** The shop's release, a version or a commit (`2.4.1`, `web@2.4.1`, `9fceb02`): 1–64 of `A-Z a-z 0-9 . _ + : @ / -`. Dashboards mark where each first appeared. */
  release?: string;
  /** Test traffic (the agent's `init({ test: true })`, a synthetic monitor): no rule contacts anyone for it. */
  test?: boolean;
  events: BeaconEvent[];
}

interface EventBase {
  /** Browser clock, epoch ms. */
  at: number;
}

export interface VitalEvent extends EventBase {
  type: 'vital';
  name: VitalName;
  value: number;
  rating?: Rating;
  navigationType?: 'navigate' | 'reload' | 'back-forward' | 'back-forward-cache' | 'prerender' | 'restore' | 'soft-navigation';
  attribution?: {
    /** CSS selector of the element behind LCP, INP or CLS. */
    target?: string;
    /** The LCP resource or the script behind a slow interaction. */
    url?: string;
    /** Phase breakdown in ms, e.g. LCP's ttfb/loadDelay/loadDuration/renderDelay. */
    phases?: Record<string, number>;
  };
}

export interface NavEvent extends EventBase, Record<NavPhase, number> {
  type: 'nav';
  transferSize?: number;
}

/** Resource timing summed up for one third-party host. */
export interface ResourceEvent extends EventBase {
  type: 'resource';
  host: string;
  count: number;
  bytes: number;
  p95: number;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  kind: 'js' | 'promise' | 'resource';
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  col?: number;
}

/** A failed fetch/XHR: status >= 400, or 0 for a network failure. */
export interface HttpEvent extends EventBase {
  type: 'http';
  method: string;
  url: string;
  status: number;
  duration: number;
}

export type CheckoutStep = 'start' | 'step' | 'error' | 'complete';

export interface CheckoutEvent extends EventBase {
  type: 'checkout';
  step: CheckoutStep;
  id: string;
  name?: string;
  reason?: string;
  value?: number;
  /** ISO 4217, e.g. AUD. */
  currency?: string;
  orderId?: string;
  /** On `start`: the shop's link back to this basket, for "email me my basket" (scrubbed as a URL: carry a basket id, not a secret). */
  resumeUrl?: string;
}

/** Goes to the outreach store in Redis, never to ClickHouse. */
export interface IdentifyEvent extends EventBase {
  type: 'identify';
  customer: string;
  email?: string;
  /** BCP 47, for outreach templates. */
  language?: string;
  consent: { outreach: boolean };
}

export interface CustomEvent extends EventBase {
  type: 'custom';
  name: string;
  props?: Record<string, string | number | boolean>;
}

/**
 * What the customer did with a nudge (protocol/src/prompts.ts). Forwarded to the worker as a
 * signal; `phone` (only with `call_back`) goes to the shop's marketer alert and nowhere else.
 */
export interface NudgeEvent extends EventBase {
  type: 'nudge';
  /** The prompt's id. */
  prompt: string;
  incident: string;
  outcome: NudgeOutcome;
  phone?: string;
}

/** A micro-survey answer: stored (scrubbed) with the session's page, step and device. */
export interface FeedbackEvent extends EventBase {
  type: 'feedback';
  prompt: string;
  survey: SurveyKind;
  /** Within SURVEY_SCALES[survey]. */
  score: number;
  comment?: string;
  trigger: SurveyTrigger;
  checkout?: string;
  /** The checkout's last step when the survey was shown. */
  step?: string;
  incident?: string;
}

export type BeaconEvent =
  | VitalEvent
  | NavEvent
  | ResourceEvent
  | ErrorEvent
  | HttpEvent
  | CheckoutEvent
  | IdentifyEvent
  | CustomEvent
  | NudgeEvent
  | FeedbackEvent;

/** The JSON Schema (draft-07) of a beacon; each event type's schema is under `$defs[type]`. */
export const beaconSchema = schema;

/** 202 body: which events were refused and why, and envelope fields left out of what was stored. */
export interface PartialAcceptance {
  accepted: number;
  rejected: { index: number; reason: string }[];
  /** e.g. a `customer` that is an email address: the events are stored without it. */
  dropped?: { field: string; reason: string }[];
  /** A survey is waiting for this session: the agent opens its prompt channel (see BeaconAnswer). */
  prompt?: true;
}

/**
 * `200` body: every event was stored and a prompt (a survey) was decided for the session, so the
 * agent opens its prompt channel (PROMPT_CHANNEL_PATH of `./prompts`). Otherwise a whole
 * acceptance is `204` with no body, a partial one `202` with PartialAcceptance.
 */
export interface BeaconAnswer {
  prompt: true;
}

/** Every 4xx/5xx body the collector sends. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}
