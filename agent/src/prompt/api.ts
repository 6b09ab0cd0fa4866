import type { FeedbackEvent, NudgeEvent } from '@touchpoint/protocol';
import type { Prompt } from '@touchpoint/protocol/prompts';

/** What the core agent gives the prompt chunk (agent-prompt.js) with each prompt. */
export interface PromptApi {
  /** Sends the customer's answer as an urgent beacon event (`at` set by the chunk). */
  emit(e: NudgeEvent | FeedbackEvent): void;
  /** The checkout of this page, and its last step (`name` of the last `step`, else the funnel step). */
  checkout?: string;
  step?: string;
}

/** The chunk's one export: renders the prompt (once per id and per nudge incident in the tab). */
export type ShowPrompt = (prompt: Prompt, api: PromptApi) => void;
