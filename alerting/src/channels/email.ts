/**
 * Email over SMTP (TOUCHPOINT_SMTP_URL, from TOUCHPOINT_OUTREACH_FROM). One pooled transport:
 * a warm connection keeps the hand-over to the mail server in milliseconds, which is most of
 * the time-to-outreach budget. Each message carries a Message-ID derived from its delivery id,
 * so a message sent again after a crash in the unavoidable window (see deliveries-worker.ts) is
 * recognisable as the same message by mail servers and clients that deduplicate on it.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { ChannelError } from './channel-error.ts';

export interface EmailMessage {
  deliveryId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  language?: string;
  /** Display name of the From address (the shop's name); default: TOUCHPOINT_OUTREACH_FROM's own. */
  fromName?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface EmailChannel {
  send(m: EmailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export function messageIdFor(deliveryId: string): string {
  return `<${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}@touchpoint>`;
}

/**
 * Transport options from TOUCHPOINT_SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`, extra
 * nodemailer options as query parameters, e.g. `?requireTLS=true`). Built here because
 * nodemailer, given `{ url, …other options }`, keeps only what the URL says: the pool and the
 * timeouts would be dropped, and every message would open a new connection (measured: ~150 ms
 * each against a local server, against ~10 ms on a pooled connection).
 */
export function smtpOptions(smtpUrl: string, timeoutMs: number): SMTPPool.Options {
  const u = new URL(smtpUrl);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new ChannelError(`TOUCHPOINT_SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//`, true);
  const options: SMTPPool.Options & Record<string, unknown> = {
    pool: true,
    maxConnections: 4,
    host: u.hostname,
    secure: u.protocol === 'smtps:',
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
  if (u.port) options.port = Number(u.port);
  if (u.username) options.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  for (const [key, value] of u.searchParams) {
    options[key] = value === 'true' ? true : value === 'false' ? false : value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
  }
  return options;
}

/** The address and display name of TOUCHPOINT_OUTREACH_FROM (`Name <address>` or a bare address). */
export function parseFrom(from: string): { name: string; address: string } {
  const [first] = addressparser(from, { flatten: true });
  if (!first?.address) throw new ChannelError(`TOUCHPOINT_OUTREACH_FROM="${from}" has no email address: write "Shop <help@shop.example>"`, true);
  return { name: first.name, address: first.address };
}

export function createEmailChannel(opts: { smtpUrl: string; from: string; timeoutMs: number }): EmailChannel {
  const transport = nodemailer.createTransport(smtpOptions(opts.smtpUrl, opts.timeoutMs));
  const from = parseFrom(opts.from);
  return {
    async send(m) {
      const messageId = messageIdFor(m.deliveryId);
      try {
        await transport.sendMail({
          from: { name: m.fromName ?? from.name, address: from.address },
          to: m.to,
          subject: m.subject,
          text: m.text,
          ...(m.html ? { html: m.html } : {}),
          messageId,
          headers: { 'X-Touchpoint-Delivery': m.deliveryId, ...(m.language ? { 'Content-Language': m.language } : {}), ...m.headers },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx is the server's final word (bad recipient, policy); 4xx and network errors may pass.
        throw new ChannelError(`SMTP: ${(err as Error).message}`, typeof code === 'number' && code >= 500);
      }
      return { messageId };
    },
    close() {
      transport.close();
    },
  };
}
