/**
 * The one way into storage for a beacon, whoever sent it (the agent's /v1/beacon, the Faro and
 * OTLP receivers): validate its events one by one, build its spool record (scrubbing and the
 * signals, spool-record.ts), append it to the spool and acknowledge only after that write is
 * durable, then hand its signals to the forwarder. The caller has authenticated the project,
 * rate-limited the client and checked the envelope.
 */
import type { FastifyRequest } from 'fastify';
import type { Beacon, BeaconEvent, PartialAcceptance } from '@touchpoint/protocol';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { personalIdReason, type PersonalIdReason } from '@touchpoint/protocol/privacy';
import type { Project } from '../projects.ts';
import type { RouteDeps } from '../routes/deps.ts';
import { buildRecord } from './spool-record.ts';
import { LOAD_TEST_HEADER, syntheticTag } from './synthetic.ts';
import { parseUserAgent } from './user-agent.ts';

export interface Acceptance {
  /** Events stored; 0 means nothing was written. */
  accepted: number;
  rejected: PartialAcceptance['rejected'];
  /** Envelope fields left out of what was stored, and why. */
  dropped: NonNullable<PartialAcceptance['dropped']>;
  /** The events stored, for decisions made after the write (the survey). */
  events: readonly BeaconEvent[];
  /** What marked the beacon as test traffic (synthetic.ts), if anything. */
  synthetic?: string;
  /** The page's route as stored (empty when nothing was): what survey page rules match. */
  path: string;
}

const PERSONAL: Record<PersonalIdReason, string> = {
  email: 'an email address',
  phone: 'a phone number',
  card: 'a payment card number',
  iban: 'an IBAN',
  'national-id': 'a national id number',
  jwt: 'a JWT',
  secret: 'a secret',
};
const pseudonymous = 'ids must be pseudonymous: send a random or hashed id, and contact details only in identify';

/**
 * Ids are stored as sent, so one that is personal data itself is refused (fields.ts: `id`): a
 * session as a whole beacon (400; the agent's are random), a beacon's customer by leaving it out
 * of what is stored (the events are kept, the answer says so), an identify event on its own.
 */
export function personalIdProblem(id: string, field: string): string | undefined {
  const why = personalIdReason(id);
  return why && `${field} looks like ${PERSONAL[why]}; ${pseudonymous}`;
}

export type AcceptBeacon = (beacon: Beacon, project: Project, req: FastifyRequest) => Promise<Acceptance>;

export function beaconAcceptor(deps: Pick<RouteDeps, 'projects' | 'spool' | 'signals' | 'metrics' | 'validator' | 'config'>): AcceptBeacon {
  const { projects, spool, signals, metrics, validator, config } = deps;

  function country(req: FastifyRequest): string {
    if (!config.countryHeader) return '';
    const v = req.headers[config.countryHeader];
    return typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : '';
  }

  return async (beacon, project, req) => {
    const sessionProblem = personalIdProblem(beacon.session, 'session');
    if (sessionProblem) throw new TouchpointError('TP_ERR_PERSONAL_ID', sessionProblem);
    const dropped: Acceptance['dropped'] = [];
    const customerProblem = beacon.customer === undefined ? undefined : personalIdProblem(beacon.customer, 'customer');
    if (customerProblem) {
      delete beacon.customer;
      dropped.push({ field: 'customer', reason: customerProblem });
    }
    const valid: BeaconEvent[] = [];
    const rejected: PartialAcceptance['rejected'] = [];
    for (let i = 0; i < beacon.events.length; i++) {
      const event = beacon.events[i];
      const reason = validator.event(event, beacon.sentAt) ?? (event?.type === 'identify' ? personalIdProblem(event.customer, 'customer') : undefined);
      if (reason === undefined) valid.push(event as BeaconEvent);
      else rejected.push({ index: i, reason });
    }
    if (valid.length === 0) return { accepted: 0, rejected, dropped, events: valid, path: '' };

    const synthetic = syntheticTag(req.headers[LOAD_TEST_HEADER], beacon, valid, project);
    const record = buildRecord(beacon, valid, {
      project: project.id,
      checkoutPage: projects.checkoutPage(project),
      routes: projects.routesOf(project),
      synthetic,
      receivedAt: Date.now(),
      client: parseUserAgent(req.headers['user-agent']),
      country: country(req),
    });
    const segment = await spool.append(record.row, record.signals);
    if (record.signals.length > 0) signals.push(segment, record.signals, record.urgent);
    metrics.events.inc(valid.length);
    metrics.countAccepted(project.id, valid.length);
    if (rejected.length > 0) metrics.eventsRejected.inc(rejected.length);
    return { accepted: valid.length, rejected, dropped, events: valid, path: record.path, ...(synthetic ? { synthetic } : {}) };
  };
}

/** The 400 for a beacon none of whose events is valid, naming the first few. */
export function noValidEvents(rejected: PartialAcceptance['rejected']): TouchpointError {
  return new TouchpointError('TP_ERR_NO_VALID_EVENTS', rejected.slice(0, 5).map((r) => `events[${r.index}]: ${r.reason}`).join('; '));
}
