import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ConfigError } from '@touchpoint/protocol/errors';
import { compileRoutes, type CompiledRoutes } from '@touchpoint/protocol/privacy';

/** A project as configured in the TOUCHPOINT_PROJECTS file. */
export interface Project {
  id: string;
  /** Public ingest key, sent by the agent; not a secret, origins are the guard. */
  key: string;
  /** Exact origins (`https://shop.example`) allowed to send beacons; `*` allows any. */
  origins: string[];
  /** Pages whose failed requests and errors are checkout signals (regex source, case-insensitive). */
  checkoutPattern?: string;
  /** Shop name in customer messages (default: the id). */
  name?: string;
  /** Link offered in customer messages. */
  supportUrl?: string;
  /** No customer messages in this local-time window; they wait until it ends. */
  quietHours?: { start: string; end: string; timeZone?: string };
  /** Pseudonymous customer ids never to contact. */
  suppression?: string[];
  /**
   * The checkout's named steps (`checkout.step(id, name)`) in the order shoppers go through
   * them; the funnel counts a checkout at every step up to the furthest it reached. Steps sent
   * but not declared are listed apart. Default: DEFAULT_CHECKOUT_STEPS.
   */
  checkoutSteps?: string[];
  /** Language of this project's marketer alerts (`de`, `fr`…); default TOUCHPOINT_ALERT_LANGUAGE. */
  alertLanguage?: string;
  /** Route patterns (`/account/:id/orders`, `/help/*`) that name this shop's pages in the dashboards, winning over the automatic `:id` placeholders (protocol/src/privacy/route-path.ts). */
  routes?: string[];
  /** Every beacon of this project is test traffic (a staging shop): stored, but no rule reaches a person for it. */
  testTraffic?: boolean;
  /**
   * Pseudonymous customer ids that test traffic may still contact (a QA account trying the
   * rescue end to end); marketers and SREs are never alerted for test traffic.
   */
  testRecipients?: string[];
}

/**
 * The usual order of a web shop's checkout. The demo shop sends details and payment, the load
 * tests shipping and payment: both are in order here, with what they skip counted as passed.
 */
export const DEFAULT_CHECKOUT_STEPS: readonly string[] = ['cart', 'details', 'shipping', 'payment', 'review'];

const DEFAULT_CHECKOUT_PATTERN = 'checkout|cart|basket|payment|pay\\b';

const DEMO_PROJECT: Project = { id: 'demo', key: 'demo', origins: ['*'] };

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['projects'],
  properties: {
    projects: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'key', 'origins'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
          key: { type: 'string', minLength: 1, maxLength: 128 },
          origins: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$' } },
          checkoutPattern: { type: 'string', maxLength: 512 },
          name: { type: 'string', maxLength: 128 },
          supportUrl: { type: 'string', pattern: '^https?://', maxLength: 2048 },
          quietHours: {
            type: 'object',
            additionalProperties: false,
            required: ['start', 'end'],
            properties: {
              start: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
              end: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
              timeZone: { type: 'string', maxLength: 64 },
            },
          },
          suppression: { type: 'array', items: { type: 'string', maxLength: 128 } },
          checkoutSteps: {
            type: 'array',
            minItems: 1,
            maxItems: 20,
            uniqueItems: true,
            // start and complete are the funnel's own ends, not named steps.
            items: { type: 'string', minLength: 1, maxLength: 64, not: { enum: ['start', 'complete'] } },
          },
          alertLanguage: { type: 'string', pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$' },
          routes: { type: 'array', maxItems: 500, items: { type: 'string', minLength: 1, maxLength: 200 } },
          testTraffic: { type: 'boolean' },
          testRecipients: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 128 } },
        },
      },
    },
  },
} as const;

export interface ProjectRegistry {
  all: Project[];
  byKey(key: string): Project | undefined;
  byId(id: string): Project | undefined;
  checkoutPage(project: Project): RegExp;
  /** The project's route patterns, compiled; undefined without any. */
  routesOf(project: Project): CompiledRoutes | undefined;
}

export function loadProjects(file: string | undefined): { registry: ProjectRegistry; warning?: string } {
  if (!file) {
    return {
      registry: createRegistry([DEMO_PROJECT]),
      warning: 'TOUCHPOINT_PROJECTS is not set: using the dev project "demo" (key "demo", any origin). Do not run production like this.',
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`TOUCHPOINT_PROJECTS: cannot read ${file} as JSON (${(err as Error).message})`, 'TP_ERR_PROJECTS_FILE');
  }
  const validate = new Ajv({ allErrors: true }).compile(fileSchema);
  if (!validate(parsed)) {
    const why = validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new ConfigError(`TOUCHPOINT_PROJECTS: ${file} is not a valid projects file: ${why}`, 'TP_ERR_PROJECTS_FILE');
  }
  const projects = (parsed as { projects: Project[] }).projects;
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const p of projects) {
    if (ids.has(p.id)) throw new ConfigError(`TOUCHPOINT_PROJECTS: project id "${p.id}" appears twice`, 'TP_ERR_PROJECTS_FILE');
    if (keys.has(p.key)) throw new ConfigError(`TOUCHPOINT_PROJECTS: ingest key of "${p.id}" is used by another project`, 'TP_ERR_PROJECTS_FILE');
    ids.add(p.id);
    keys.add(p.key);
    if (p.checkoutPattern) {
      try {
        new RegExp(p.checkoutPattern, 'i');
      } catch (err) {
        throw new ConfigError(`TOUCHPOINT_PROJECTS: checkoutPattern of "${p.id}" is not a regular expression (${(err as Error).message})`, 'TP_ERR_PROJECTS_FILE');
      }
    }
    if (p.routes) {
      try {
        compileRoutes(p.routes);
      } catch (err) {
        throw new ConfigError(`TOUCHPOINT_PROJECTS: routes of "${p.id}": ${(err as Error).message}`, 'TP_ERR_PROJECTS_FILE');
      }
    }
  }
  return { registry: createRegistry(projects) };
}

function createRegistry(projects: Project[]): ProjectRegistry {
  const keys = new Map(projects.map((p) => [p.key, p]));
  const ids = new Map(projects.map((p) => [p.id, p]));
  const patterns = new Map(projects.map((p) => [p.id, new RegExp(p.checkoutPattern ?? DEFAULT_CHECKOUT_PATTERN, 'i')]));
  const routes = new Map(projects.flatMap((p) => (p.routes?.length ? [[p.id, compileRoutes(p.routes)] as const] : [])));
  return {
    all: projects,
    byKey: (key) => keys.get(key),
    byId: (id) => ids.get(id),
    checkoutPage: (p) => patterns.get(p.id) ?? new RegExp(DEFAULT_CHECKOUT_PATTERN, 'i'),
    routesOf: (p) => routes.get(p.id),
  };
}

export function originAllowed(project: Project, origin: string | undefined): boolean {
  if (project.origins.includes('*')) return true;
  // Beacons without an Origin header come from non-browser clients (servers, load tests):
  // origins guard against other sites' pages, which always send one.
  if (origin === undefined) return true;
  return project.origins.includes(origin);
}
