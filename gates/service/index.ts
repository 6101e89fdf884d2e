/**
 * The gate service's Lambda function (DESIGN.md section 10): one function, one handler, dispatching on the
 * event's `action` to the step the state machine's Task asked for. Each step is one bounded piece of the
 * CLI's own check / promote / sweep code (gates/check.ts, gates/promote.ts, gates/sweep/), never the CLI
 * layer, and none sleeps to wait: waiting is the state machine's `Wait` state.
 *
 *   check           one evaluation of an account and what the promote loop does next
 *   reevaluate      start the Config evaluation of IAM_ROOT_ACCESS_KEY_CHECK (--wait)
 *   promote         promoteAccount, the bundle stored in the evidence bucket
 *   listAccounts    the accounts in scope and the organization's findings, to the work bucket
 *   checkBatch      one Distributed Map batch of accounts, bundles to the evidence bucket
 *   writeSweepIndex the sweep's index, from every batch's results, to the evidence bucket
 */
import { InvalidInputError, NO_CONTEXT, settingsFromEnv, type InvocationContext, type ServiceSettings, type ServiceTuning } from "./settings";
import { PromoteSteps } from "./promote-steps";
import { SweepSteps } from "./sweep-steps";

export const SERVICE_ACTIONS = ["check", "reevaluate", "promote", "listAccounts", "checkBatch", "writeSweepIndex"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export type ServiceHandler = (event: unknown, context?: InvocationContext) => Promise<unknown>;

/** The handler for given settings (tests and the benchmark pass their own; the function reads its environment). */
export function createHandler(settings: ServiceSettings, tuning: ServiceTuning = {}): ServiceHandler {
  const promote = new PromoteSteps(settings, tuning);
  const sweep = new SweepSteps(settings, tuning);
  return async (event, context = NO_CONTEXT) => {
    if (typeof event !== "object" || event === null || Array.isArray(event)) throw new InvalidInputError(`the event must be a JSON object with an "action", got ${JSON.stringify(event)}`);
    const { action, ...rest } = event as Record<string, unknown>;
    switch (action as ServiceAction) {
      case "check":
        return promote.check(rest, context);
      case "reevaluate":
        return promote.reevaluate(rest, context);
      case "promote":
        return promote.promote(rest, context);
      case "listAccounts":
        return sweep.listAccounts(rest, context);
      case "checkBatch":
        return sweep.checkBatch(rest, context);
      case "writeSweepIndex":
        return sweep.writeSweepIndex(rest, context);
      default:
        throw new InvalidInputError(`unknown action ${JSON.stringify(action)} (known: ${SERVICE_ACTIONS.join(", ")})`);
    }
  };
}

let deployed: ServiceHandler | undefined;

/**
 * The function's entry point (`index.handler` in the bundle). Settings are read once per execution
 * environment, so a warm invocation pays nothing for them.
 */
export async function handler(event: unknown, context?: InvocationContext): Promise<unknown> {
  deployed ??= createHandler(settingsFromEnv());
  return deployed(event, context);
}
