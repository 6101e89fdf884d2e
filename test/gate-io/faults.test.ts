/**
 * Fail closed: any fault on any of the three IAM.4 sources (or on AssumeRole) makes an otherwise
 * clean account INCONCLUSIVE, never PASS, and says which source failed.
 */
import type { FaultRule, LocalAws } from "../endpoint";
import { checkAccount } from "../../gates/check";
import { fastOptions, IDS, startEndpoint } from "./harness";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => aws.reset());

/** After the warm-up, a call the endpoint delays or holds is cut at 250 ms; latency faults add 600 ms. */
const tight = { callTimeoutMs: 250, timeoutMs: 3_000 };

const SOURCES: Record<string, Omit<FaultRule, "fault">> = {
  "account summary": { service: "iam", action: "GetAccountSummary" },
  "credential report": { service: "iam", action: "GetCredentialReport" },
  "security hub findings": { service: "securityhub", action: "GetFindings" },
};
const FAULTS: Record<string, Partial<FaultRule>> = {
  "latency beyond the call timeout": { latencyMs: 600 },
  "throttling beyond retries": { fault: "throttle" },
  "HTTP 5xx": { fault: "http5xx" },
  "access denied": { fault: "accessDenied" },
  "malformed body": { fault: "malformedBody" },
  "truncated body": { fault: "truncatedBody" },
  hang: { fault: "hang" },
};

it("the clean account passes without faults (baseline for the matrix, and SDK warm-up)", async () => {
  const v = await checkAccount(fastOptions(aws, IDS.clean));
  expect(v.verdict).toBe("PASS");
});

const cases = Object.entries(SOURCES).flatMap(([source, match]) => Object.entries(FAULTS).map(([fault, rule]) => [source, fault, { ...match, ...rule }] as const));

it.each(cases)("%s with %s is INCONCLUSIVE", async (_source, _fault, rule) => {
  const applied: FaultRule = { ...rule };
  aws.faults.push(applied);
  const v = await checkAccount(fastOptions(aws, IDS.clean, tight));
  expect(v.verdict).toBe("INCONCLUSIVE");
  expect(v.productionReady).toBe(false);
  const iam4 = v.controls.find((c) => c.id === "IAM.4");
  expect(iam4?.verdict).toBe("INCONCLUSIVE");
  expect(applied.applied ?? 0).toBeGreaterThan(0);
});

it("AssumeRole failure in the target account is INCONCLUSIVE", async () => {
  aws.faults.push({ service: "sts", action: "AssumeRole", fault: "accessDenied" });
  const v = await checkAccount(fastOptions(aws, IDS.clean));
  expect(v.verdict).toBe("INCONCLUSIVE");
  expect(JSON.stringify(v.controls)).toMatch(/AssumeRole/);
});

it("throttling that clears within the retries still reads the source", async () => {
  aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "throttle", times: 1 });
  const v = await checkAccount(fastOptions(aws, IDS.clean));
  expect(v.verdict).toBe("PASS");
});

it("a hanging call never outlives the account deadline", async () => {
  aws.faults.push({ service: "securityhub", action: "GetFindings", fault: "hang" });
  const started = Date.now();
  // A 400 ms account deadline against a 30 s call timeout: the bound tells one from the other on a loaded machine.
  const v = await checkAccount(fastOptions(aws, IDS.clean, { callTimeoutMs: 30_000, timeoutMs: 400 }));
  expect(v.verdict).toBe("INCONCLUSIVE");
  expect(Date.now() - started).toBeLessThan(4_000);
});
