/**
 * Checks the shape of an SDK payload with a JSON Schema compiled once (the receivers' schemas
 * only describe the fields the mapping reads; SDKs add fields freely), and says what is wrong
 * naming the field, as the beacon validator does.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export interface PayloadCheck<T> {
  /** Undefined when the payload has the shape; otherwise what is wrong, naming the field. */
  (value: unknown): value is T;
  problem(): string;
}

export function compilePayloadSchema<T>(schema: object): PayloadCheck<T> {
  const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema) as ValidateFunction<T>;
  const check = ((value: unknown) => validate(value)) as PayloadCheck<T>;
  check.problem = () => describe(validate.errors);
  return check;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'invalid payload';
  const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'the body';
  if (e.keyword === 'required') return `${field === 'the body' ? '' : `${field}.`}${(e.params as { missingProperty: string }).missingProperty} is missing`;
  return `${field} ${e.message ?? 'is invalid'}`;
}
