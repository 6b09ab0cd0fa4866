/**
 * A real SMTP server (smtp-server) that keeps what it accepted, for tests. `hold` delays the
 * answer to DATA (to kill a worker mid-send); `reject` answers DATA with an SMTP error.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { mimeHeader } from './mime.ts';

export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  raw: string;
  at: number;
}

export interface SmtpSink {
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Number of DATA commands seen (accepted or not). */
  attempts: number;
  hold: number;
  /** Delay (ms) before answering RCPT TO: the client is mid-transaction, no message data sent yet. */
  holdRcpt: number;
  /** RCPT TO commands seen. */
  rcpts: number;
  reject?: { code: number; message: string } | undefined;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', port: 0, mails: [], attempts: 0, hold: 0, holdRcpt: 0, rcpts: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      sink.rcpts++;
      if (sink.holdRcpt > 0) setTimeout(() => callback(), sink.holdRcpt);
      else callback();
    },
    onData(stream, session, callback) {
      sink.attempts++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const finish = () => {
          if (sink.reject) {
            const err = Object.assign(new Error(sink.reject.message), { responseCode: sink.reject.code });
            return callback(err);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          sink.mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: mimeHeader(raw, 'Message-ID'),
            subject: mimeHeader(raw, 'Subject'),
            raw,
            at: Date.now(),
          });
          callback();
        };
        if (sink.hold > 0) setTimeout(finish, sink.hold);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address() as AddressInfo;
  sink.port = addr.port;
  sink.url = `smtp://127.0.0.1:${addr.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
