import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import schema from '../../beacon.schema.json' with { type: 'json' };
import { FIELD_TREATMENTS } from './fields.ts';

type Node = { [k: string]: unknown };
interface StringField {
  path: string;
  node: Node;
}

const defs = schema.$defs as Record<string, Node>;
const resolve = (n: Node): Node => (typeof n.$ref == 'string' ? resolve(defs[n.$ref.replace('#/$defs/', '')]!) : n);
const isString = (n: Node) => n.type == 'string' || typeof n.const == 'string' || (Array.isArray(n.enum) && n.enum.every((x) => typeof x == 'string'));

/** Every string in the schema below `n`: properties, array items, map values (`.*`) and map keys (`.<name>`), through $ref, anyOf and oneOf. */
function stringFields(n: Node, path: string, out: StringField[] = []): StringField[] {
  n = resolve(n);
  if (isString(n)) out.push({ path, node: n });
  for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, Node>)) stringFields(v, path ? `${path}.${k}` : k, out);
  if (n.propertyNames) out.push({ path: `${path}.<name>`, node: n.propertyNames as Node });
  if (n.additionalProperties && typeof n.additionalProperties == 'object') stringFields(n.additionalProperties as Node, `${path}.*`, out);
  if (n.items) stringFields(n.items as Node, `${path}[]`, out);
  for (const v of [...((n.anyOf ?? []) as Node[]), ...((n.allOf ?? []) as Node[])]) stringFields(v, path, out);
  // A discriminated union: each branch under its own name (`vital.…`, `error.…`).
  const tag = (n.discriminator as { propertyName?: string } | undefined)?.propertyName;
  for (const v of (n.oneOf ?? []) as Node[]) {
    const branch = resolve(v);
    const name = tag && ((branch.properties as Record<string, Node> | undefined)?.[tag]?.const as string | undefined);
    stringFields(branch, name ?? path, out);
  }
  return out;
}

// The envelope, and the event union the collector validates each event with.
const fields = [...stringFields(schema as Node, ''), ...stringFields(defs.event!, 'event')];
const paths = [...new Set(fields.map((f) => f.path))].sort();
const decided = Object.keys(FIELD_TREATMENTS).sort();

describe('the privacy decision of every string field', () => {
  it('the walk finds the schema’s strings (a check of the walker itself)', () => {
    expect(paths).toEqual(expect.arrayContaining(['page', 'error.stack', 'vital.attribution.target', 'custom.props.*', 'custom.props.<name>', 'event.type']));
    expect(paths.length).toBeGreaterThan(30);
  });

  it('every string field of the schema has a decision', () => {
    expect(paths.filter((p) => !(p in FIELD_TREATMENTS))).toEqual([]);
  });

  it('every decision names a field the schema still has', () => {
    expect(decided.filter((p) => !paths.includes(p))).toEqual([]);
  });

  it('every free string and every property name has a length cap (enums and constants are closed already)', () => {
    const uncapped = fields.filter((f) => (f.node.type == 'string' || f.path.endsWith('.<name>')) && typeof f.node.maxLength != 'number');
    expect(uncapped.map((f) => f.path)).toEqual([]);
  });

  it('docs/beacon-protocol.md lists every capped field with its cap and treatment, as here; the closed sets are closed-code', () => {
    const doc = readFileSync(new URL('../../../docs/beacon-protocol.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \| (\d+) \| `([a-z-]+)` \|$/gm)].map(([, path, cap, treatment]) => `${path} ${cap} ${treatment}`);
    const capped = fields.filter((f) => typeof f.node.maxLength == 'number');
    expect(rows.sort()).toEqual(capped.map((f) => `${f.path} ${String(f.node.maxLength)} ${FIELD_TREATMENTS[f.path as keyof typeof FIELD_TREATMENTS]}`).sort());
    const closed = fields.filter((f) => typeof f.node.maxLength != 'number');
    expect(closed.filter((f) => FIELD_TREATMENTS[f.path as keyof typeof FIELD_TREATMENTS] != 'closed-code').map((f) => f.path)).toEqual([]);
  });
});
