/**
 * What a copy template may hold, checked when the file is read (not when a customer's email is
 * due): text, `{{variable}}` (escaped in HTML), `{{#if variable}}…{{else}}…{{/if}}`,
 * `{{#unless variable}}…{{/unless}}` and `{{! comments }}`. Nothing else of Handlebars: no
 * `{{{raw}}}` (it would put the shop's or a customer's text into the HTML unescaped), no
 * partials, no other helpers, no paths (`a.b`, `../a`, `@root`). So a marketer's file cannot
 * break the email, and a misspelt variable is a start-up error instead of an empty gap.
 */
import Handlebars from 'handlebars';

/** Every variable a template may use (CopyVars). */
export const COPY_VARIABLES = ['shop', 'supportUrl', 'amount', 'unsubscribeUrl', 'resumeUrl'] as const;
export type CopyVariable = (typeof COPY_VARIABLES)[number];

const KNOWN = new Set<string>(COPY_VARIABLES);
const BLOCKS = new Set(['if', 'unless']);

/** The reason a template is refused, in one line, or undefined when it is fine. */
export function checkTemplate(source: string): string | undefined {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    return `syntax error: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}`;
  }
  return checkProgram(ast);
}

function checkProgram(program: hbs.AST.Program | undefined): string | undefined {
  for (const node of program?.body ?? []) {
    const why = checkStatement(node);
    if (why) return why;
  }
  return undefined;
}

function checkStatement(node: hbs.AST.Statement): string | undefined {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return undefined;
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      if (!m.escaped) return `{{{…}}} (unescaped output) is not allowed: write {{${variableName(m.path) ?? 'variable'}}}`;
      if (m.params.length || m.hash) return `only {{variable}}, {{#if variable}} and {{#unless variable}} are allowed, not {{${describe(m.path)} …}}`;
      return checkVariable(m.path);
    }
    case 'BlockStatement': {
      const b = node as hbs.AST.BlockStatement;
      const helper = variableName(b.path);
      if (!helper || !BLOCKS.has(helper)) return `only {{#if variable}} and {{#unless variable}} blocks are allowed, not {{#${describe(b.path)}}}`;
      const [param, ...more] = b.params;
      if (!param || more.length || b.hash) return `{{#${helper}}} takes exactly one variable: {{#${helper} amount}}`;
      return checkVariable(param) ?? checkProgram(b.program) ?? checkProgram(b.inverse);
    }
    default:
      return `${node.type.replace(/Statement$/, '').toLowerCase()}s are not allowed: use {{variable}} and {{#if variable}}`;
  }
}

function checkVariable(expr: hbs.AST.Expression): string | undefined {
  const name = variableName(expr);
  if (name && KNOWN.has(name)) return undefined;
  return `unknown variable {{${describe(expr)}}} (known: ${COPY_VARIABLES.join(', ')})`;
}

/** The plain name of `{{name}}`; undefined for paths, data (`@x`), literals and sub-expressions. */
function variableName(expr: hbs.AST.Expression): string | undefined {
  if (expr.type !== 'PathExpression') return undefined;
  const p = expr as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && p.original === p.parts[0] ? p.parts[0] : undefined;
}

function describe(expr: hbs.AST.Expression): string {
  if (expr.type === 'PathExpression') return (expr as hbs.AST.PathExpression).original;
  const literal = expr as Partial<hbs.AST.StringLiteral>;
  return literal.original !== undefined ? String(literal.original) : expr.type;
}
