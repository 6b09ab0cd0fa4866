import type { Audience, ChannelName } from './reasons.ts';

/** A message no channel could take after every retry; kept in Redis, listed by the API. */
export interface DeadLetter {
  /** The delivery id (deterministic: audience, project, customer or rule, incident, channel). */
  id: string;
  project: string;
  audience: Audience;
  channel: ChannelName;
  reason: string;
  incident: string;
  customer?: string;
  error: string;
  attempts: number;
  failedAt: number;
}

export interface DeadLetterReader {
  /** Newest first. */
  list(project: string, limit: number): Promise<DeadLetter[]>;
}
