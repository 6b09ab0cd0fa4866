/**
 * The JSON Schemas alert payloads are tested against: our generic webhook's (published) and the
 * parts of Slack's and Teams' documented formats we use (alerting/schemas/vendor/, written from
 * their docs). Each check returns the schema's complaints, empty when the payload is valid.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object;

function checker(schema: object): (payload: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (payload) => (validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

export const webhookV1Errors = checker(load('webhook-v1.schema.json'));
export const slackErrors = checker(load('vendor/slack-incoming-webhook.schema.json'));
export const teamsErrors = checker(load('vendor/teams-incoming-webhook.schema.json'));
