import type { Queue } from 'bullmq';
import type { Signal, SignalBatch } from '@touchpoint/protocol/signals';
import type { Sink } from './batch-writer.ts';
import type { SignalForwarder } from './signal-forwarder.ts';

/**
 * Hands a segment's signals, unless the fast lane already did (see signal-forwarder.ts), to the alerting queue as one job. The job id is the collector
 * instance + segment, so a segment replayed after a crash adds nothing new. While the job is
 * kept (see removeOnComplete) a replay is a no-op; the spool only replays unreleased segments,
 * which never outlive that window.
 */
export function signalSink(queue: Queue<SignalBatch>, instanceId: string, fastLane: SignalForwarder): Sink {
  return {
    name: 'signals',
    async write(segment, contents) {
      if (contents.signals.length === 0) return;
      if (await fastLane.settle(segment.name)) return;
      const signals = contents.signals.map((line) => JSON.parse(line) as Signal);
      const id = `${instanceId}-${segment.name}`;
      await queue.add('signals', { segment: id, signals }, { jobId: id });
    },
  };
}
