/** Where the built agent is, for the collector that serves it at /agent.js (wired by `@touchpoint/node`). */
import { fileURLToPath } from 'node:url';

/** Written by `npm run build -w @touchpoint/agent` (and before `npm start`). */
export const agentScriptFile = fileURLToPath(new URL('./dist/agent.js', import.meta.url));
/** The prompt chunk, served at /agent-prompt.js; written beside agent.js by the same build. */
export const agentPromptFile = fileURLToPath(new URL('./dist/agent-prompt.js', import.meta.url));
