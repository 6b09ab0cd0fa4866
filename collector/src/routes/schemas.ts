/** Response schemas shared by every route: the coded error body (protocol ErrorBody). */
export const errorBodySchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const errorResponses = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;
