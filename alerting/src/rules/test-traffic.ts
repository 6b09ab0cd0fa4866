/**
 * Test traffic never reaches people: an incident raised by a load test, the agent's test mode
 * or a test project (Signal.synthetic, marked by the collector) alerts no marketer and no SRE
 * and contacts no customer. It is logged (outreach log: skipped, `test_traffic`) and counted
 * instead, so a load test still shows that the rules ran. The one exception is a project's
 * `testRecipients`: customer ids a QA team uses to try the rescue end to end.
 */
import type { ProjectAlerting } from '../interfaces/project-settings.ts';

export const SKIP_REASON = 'test_traffic' as const;

/** May test traffic about this customer reach them? Only when the project lists them. */
export function isTestRecipient(project: ProjectAlerting, customer: string | undefined): boolean {
  return customer !== undefined && project.testRecipients?.includes(customer) === true;
}

/**
 * Whether a signal may change what is stored about a customer (contact details and consent, a
 * completion that holds back a message): test traffic must not, unless about a test recipient,
 * or a load test using a real customer id could withdraw that customer's consent.
 */
export function mayTouchCustomer(project: ProjectAlerting, synthetic: string | undefined, customer: string | undefined): boolean {
  return synthetic === undefined || isTestRecipient(project, customer);
}
