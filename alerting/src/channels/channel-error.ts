/**
 * A channel failure. `permanent` ones (an SMTP 5xx, a webhook 4xx) go straight to the
 * dead-letter list; the rest are retried with backoff.
 */
export class ChannelError extends Error {
  readonly code = 'TP_ERR_CHANNEL';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
