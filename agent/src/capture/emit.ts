import type { BeaconEvent } from '@touchpoint/protocol';

/** How capture modules hand an event to the agent; `page` defaults to the current page context. */
export type Emit = (e: BeaconEvent, page?: string) => void;
