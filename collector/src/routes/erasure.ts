/**
 * DELETE /api/v1/projects/:project/customers/:customer : erase one customer from every store
 * (202 with a receipt; the work is a durable job, erasure/erasures.ts).
 * GET /api/v1/projects/:project/erasures/:id : the receipt: pending, running, complete or failed,
 * with times and what was removed per store, as counts. Admin auth is applied by routes/api.ts.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '@touchpoint/protocol/api/common';
import { CUSTOMER_ID, CustomerParams, ErasureParams, ErasureReceipt } from '@touchpoint/protocol/erasure';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { personalIdReason } from '@touchpoint/protocol/privacy';
import type { RouteDeps } from './deps.ts';

const ALLOWED = new RegExp(CUSTOMER_ID.pattern, 'u');

export default async function erasureRoutes(fastify: FastifyInstance, { projects, erasures }: Pick<RouteDeps, 'projects' | 'erasures'>): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.delete('/api/v1/projects/:project/customers/:customer', {
    schema: { params: CustomerParams, response: { 202: ErasureReceipt, ...errorResponses } },
  }, async (req, reply) => {
    const { project, customer } = req.params;
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    checkCustomerId(customer);
    const receipt = await erasures.request(project, customer);
    return reply.code(202).header('location', `/api/v1/projects/${project}/erasures/${receipt.id}`).send(receipt);
  });

  app.get('/api/v1/projects/:project/erasures/:id', {
    schema: { params: ErasureParams, response: { 200: ErasureReceipt, ...errorResponses } },
  }, async (req) => {
    const { project, id } = req.params;
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    const receipt = await erasures.receipt(project, id);
    if (!receipt) throw new TouchpointError('TP_ERR_UNKNOWN_ERASURE', id);
    return receipt;
  });
}

/** The id must be one the collector stores as it is; never echoed back, it may be personal data. */
function checkCustomerId(customer: string): void {
  const length = [...customer].length;
  if (length < CUSTOMER_ID.minLength || length > CUSTOMER_ID.maxLength) throw new TouchpointError('TP_ERR_BAD_CUSTOMER_ID', `it has ${length} characters`);
  if (!ALLOWED.test(customer)) throw new TouchpointError('TP_ERR_BAD_CUSTOMER_ID', 'it holds a control character');
  // The collector refuses ids that are personal data (ingest/accept-beacon.ts): none is stored.
  if (personalIdReason(customer) !== undefined) throw new TouchpointError('TP_ERR_BAD_CUSTOMER_ID', 'it looks like personal data (an email, a card number), which is never stored as an id');
}
