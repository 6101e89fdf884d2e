/** runSweep's options for the tests that sweep the local endpoint (kept apart from helpers.ts, which loads no endpoint). */
import type { SweepRunOptions } from "../../gates/sweep/run";
import { EXAMPLE_IDS } from "../endpoint";

/** runSweep's options against the local endpoint's example organization; each file states its own limits. */
export function localSweepOptions(
  endpointUrl: string,
  limits: Pick<SweepRunOptions, "timeoutMs" | "callTimeoutMs" | "retry" | "limiterSettings">,
  extra: Partial<SweepRunOptions> = {},
): SweepRunOptions {
  return {
    homeRegion: "us-east-1",
    securityHubAccountId: EXAMPLE_IDS.securityTooling,
    managementAccountId: EXAMPLE_IDS.management,
    endpointUrl,
    concurrency: 8,
    reportPoll: { baseDelayMs: 10, maxDelayMs: 50 },
    ...limits,
    ...extra,
  };
}
