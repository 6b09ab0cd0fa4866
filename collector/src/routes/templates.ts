/**
 * GET /api/v1/projects/:project/templates and …/templates/:template/preview?lang=xx: the
 * project's customer copy and any template rendered with sample data (the project's shop name, a
 * sample amount, support, basket and unsubscribe links), so a marketer sees an edit before a
 * customer does (docs/templates.md). Admin auth is applied by the app to every /api/ route.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, ProjectParams } from '@touchpoint/protocol/api/common';
import { PreviewQuery, TemplateList, TemplateParams, TemplatePreview } from '@touchpoint/protocol/api/templates';
import { COPY_LANGUAGES, COPY_TEMPLATES, COPY_VARIABLES, isCopyTemplate, overriddenLanguages, renderEmail, renderPrompt, type CopyVars } from '@touchpoint/protocol/copy';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { NUDGE_ACTIONS, type SurveyKind } from '@touchpoint/protocol/prompts';
import type { OutreachReason } from '@touchpoint/protocol/outreach';
import type { RouteDeps } from './deps.ts';

const SAMPLE_AMOUNT = '149.95 EUR';

export default async function templateRoutes(fastify: FastifyInstance, { projects }: Pick<RouteDeps, 'projects'>): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/projects/:project/templates', {
    schema: { params: ProjectParams, response: { 200: TemplateList, ...errorResponses } },
  }, async (req) => {
    const project = projects.byId(req.params.project);
    if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', req.params.project);
    const book = projects.copyOf(project);
    return {
      project: project.id,
      languages: [...COPY_LANGUAGES],
      variables: [...COPY_VARIABLES],
      templates: COPY_TEMPLATES.map((name) => ({ name, kind: name.split('.')[0] as 'email' | 'nudge' | 'survey', overrides: overriddenLanguages(book, name) })),
    };
  });

  app.get('/api/v1/projects/:project/templates/:template/preview', {
    schema: { params: TemplateParams, querystring: PreviewQuery, response: { 200: TemplatePreview, ...errorResponses } },
  }, async (req) => {
    const project = projects.byId(req.params.project);
    if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', req.params.project);
    const { template } = req.params;
    if (!isCopyTemplate(template)) throw new TouchpointError('TP_ERR_UNKNOWN_TEMPLATE', template);
    const lang = req.query.lang ?? 'en';
    const book = projects.copyOf(project);
    const shopUrl = project.origins.find((o) => /^https?:\/\//.test(o)) ?? 'https://shop.example';
    const supportUrl = project.supportUrl ?? `${shopUrl}/help`;
    const vars: CopyVars = {
      shop: project.name ?? project.id,
      amount: SAMPLE_AMOUNT,
      supportUrl,
      resumeUrl: `${shopUrl}/basket?resume=preview`,
      unsubscribeUrl: `${req.protocol}://${req.host}/unsubscribe?token=preview`,
    };
    const [kind, name] = template.split('.') as ['email' | 'nudge' | 'survey', string];
    if (kind === 'email') return { kind, template, ...renderEmail(book, name as 'basket', lang, vars) };
    if (kind === 'nudge') {
      const spec = { kind, id: 'preview', incident: `${name}/preview`, reason: name as OutreachReason, actions: [...NUDGE_ACTIONS], supportUrl, amount: SAMPLE_AMOUNT };
      return renderPrompt(book, spec, lang, vars);
    }
    return renderPrompt(book, { kind, id: 'preview', survey: name as SurveyKind, trigger: 'complete', comment: true }, lang, vars);
  });
}
