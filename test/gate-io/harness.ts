/**
 * Shared set-up of the gate I/O tests: the local endpoint through the real SDK, the gate's own
 * credentials in the environment (the SDK default chain), and short timeouts so faults resolve fast.
 */
import { EXAMPLE_IDS, useEndpointCredentials, startLocalAws, type LocalAws } from "../endpoint";
import type { PromoteAccountOptions } from "../../gates/options";

export const IDS = EXAMPLE_IDS;

/**
 * Fast time rules: one retry with tiny backoff, short polling. The call timeout stays generous
 * (a cold SDK's first call takes a few hundred ms on a loaded CI box); fault tests tighten it.
 */
export function fastOptions(aws: LocalAws, accountId: string, extra: Partial<PromoteAccountOptions> = {}): PromoteAccountOptions {
  return {
    accountId,
    homeRegion: "us-east-1",
    securityHubAccountId: IDS.securityTooling,
    endpointUrl: aws.url,
    timeoutMs: 5_000,
    callTimeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    reportPoll: { baseDelayMs: 5, maxDelayMs: 20 },
    waitBackoff: { baseDelayMs: 20, maxDelayMs: 50 },
    ...extra,
  };
}

/** Starts the endpoint and points the SDK default credential chain at its fake keys. */
export async function startEndpoint(): Promise<LocalAws> {
  const aws = await startLocalAws();
  useEndpointCredentials(aws.url);
  return aws;
}
