import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { loadCopy, type CopyBook } from '@touchpoint/protocol/copy';
import { ConfigError, TouchpointError } from '@touchpoint/protocol/errors';
import { OUTREACH_REASONS } from '@touchpoint/protocol/outreach';
import { compileRoutes, type CompiledRoutes } from '@touchpoint/protocol/privacy';
import { SURVEY_KINDS, type ProjectPrompts } from '@touchpoint/protocol/prompts';

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
  /** In-page nudges and the micro-survey (issue 14; ProjectPrompts in @touchpoint/protocol/prompts). Without it, none. */
  prompts?: ProjectPrompts;
  /** A directory of this project's customer-copy templates, relative to the projects file; the built-in copy without it. */
  templates?: string;
}

/**
 * The usual order of a web shop's checkout. The demo shop sends details and payment, the load
 * tests shipping and payment: both are in order here, with what they skip counted as passed.
 */
export const DEFAULT_CHECKOUT_STEPS: readonly string[] = ['cart', 'details', 'shipping', 'payment', 'review'];

const DEFAULT_CHECKOUT_PATTERN = 'checkout|cart|basket|payment|pay\\b';

const DEMO_PROJECT: Project = { id: 'demo', key: 'demo', origins: ['*'] };

/** ProjectPrompts, as the projects file may spell it. */
const promptsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    nudges: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        reasons: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: OUTREACH_REASONS } },
        // Up to an hour: the customer email waits this long for the nudge, and an email later than that is no rescue.
        emailWaitMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
        supportUrl: { type: 'string', pattern: '^https?://', maxLength: 2048 },
        callBack: { type: 'boolean' },
      },
    },
    survey: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: SURVEY_KINDS },
        comment: { type: 'boolean' },
        after: { type: 'array', uniqueItems: true, items: { enum: ['complete', 'nudge'] } },
        pages: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
        share: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  },
} as const;

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
          prompts: promptsSchema,
          templates: { type: 'string', minLength: 1, maxLength: 1024 },
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
  /** The pages its survey is asked on (`prompts.survey.pages`), compiled; undefined without any. */
  surveyPagesOf(project: Project): CompiledRoutes | undefined;
  /** Its customer copy: its template files (loaded at start) over the built-in defaults. */
  copyOf(project: Project): CopyBook;
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
  const books = new Map<string, CopyBook>();
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
    if (p.prompts?.survey?.pages) {
      try {
        compileRoutes(p.prompts.survey.pages);
      } catch (err) {
        throw new ConfigError(`TOUCHPOINT_PROJECTS: prompts.survey.pages of "${p.id}": ${(err as Error).message}`, 'TP_ERR_PROJECTS_FILE');
      }
    }
    if (p.templates) {
      const dir = resolve(dirname(file), p.templates);
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new ConfigError(`TOUCHPOINT_PROJECTS: templates of "${p.id}": ${dir} is not a directory (the path is relative to the projects file)`, 'TP_ERR_PROJECTS_FILE');
      }
      try {
        books.set(p.id, loadCopy(dir));
      } catch (err) {
        const why = err instanceof TouchpointError ? err.message : (err as Error).message;
        throw new ConfigError(`TOUCHPOINT_PROJECTS: templates of "${p.id}" (${dir}): ${why}`, 'TP_ERR_PROJECTS_FILE');
      }
    }
  }
  return { registry: createRegistry(projects, books) };
}

function createRegistry(projects: Project[], books = new Map<string, CopyBook>()): ProjectRegistry {
  const keys = new Map(projects.map((p) => [p.key, p]));
  const ids = new Map(projects.map((p) => [p.id, p]));
  const patterns = new Map(projects.map((p) => [p.id, new RegExp(p.checkoutPattern ?? DEFAULT_CHECKOUT_PATTERN, 'i')]));
  const routes = new Map(projects.flatMap((p) => (p.routes?.length ? [[p.id, compileRoutes(p.routes)] as const] : [])));
  const surveyPages = new Map(projects.flatMap((p) => (p.prompts?.survey?.pages?.length ? [[p.id, compileRoutes(p.prompts.survey.pages)] as const] : [])));
  const builtIn = loadCopy();
  return {
    all: projects,
    byKey: (key) => keys.get(key),
    byId: (id) => ids.get(id),
    checkoutPage: (p) => patterns.get(p.id) ?? new RegExp(DEFAULT_CHECKOUT_PATTERN, 'i'),
    routesOf: (p) => routes.get(p.id),
    surveyPagesOf: (p) => surveyPages.get(p.id),
    copyOf: (p) => books.get(p.id) ?? builtIn,
  };
}

export function originAllowed(project: Project, origin: string | undefined): boolean {
  if (project.origins.includes('*')) return true;
  // Beacons without an Origin header come from non-browser clients (servers, load tests):
  // origins guard against other sites' pages, which always send one.
  if (origin === undefined) return true;
  return project.origins.includes(origin);
}
