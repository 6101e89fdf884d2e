/** The pure explanation of failed reads: grouping by cause and what --wait does about each. */
import { explainFailure, failureSentences } from "../../gates/decide/failure-reasons";
import { waitAdvice } from "../../gates/decide/wait";
import type { Iam3Evidence, ReadFailure } from "../../gates/types";
import { NOW, ok, passingEvidence } from "./helpers";

const failure = (over: Partial<ReadFailure>): ReadFailure => ({
  ok: false,
  kind: "error",
  message: "simulated",
  accountId: "111122223333",
  region: "us-west-2",
  api: "iam:GetAccountSummary",
  observedAt: NOW,
  ...over,
});
const ROLE = "arn:aws:iam::111122223333:role/GuardrailsGateReadOnly";

describe("explainFailure: waitability", () => {
  it.each<[string, Partial<ReadFailure>, string]>([
    ["no credentials", { kind: "no-credentials", code: "CredentialsProviderError" }, "stop-now"],
    ["connection refused", { kind: "unreachable", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" }, "stop-if-repeated"],
    ["host name not found", { kind: "unreachable", code: "ENOTFOUND" }, "stop-if-repeated"],
    ["DNS server busy", { kind: "unreachable", code: "EAI_AGAIN" }, "time-can-fix"],
    ["TLS", { kind: "unreachable", code: "EPROTO" }, "stop-if-repeated"],
    ["connection reset", { kind: "unreachable", code: "ECONNRESET" }, "time-can-fix"],
    ["AssumeRole denied (role not deployed yet)", { kind: "access-denied", code: "AccessDenied", failedCall: "sts:AssumeRole", resource: ROLE }, "time-can-fix"],
    ["API denied", { kind: "access-denied", code: "AccessDenied", principal: ROLE }, "stop-if-repeated"],
    ["credentials rejected", { kind: "access-denied", code: "InvalidClientTokenId", failedCall: "sts:AssumeRole" }, "stop-if-repeated"],
    ["throttled", { kind: "throttled", code: "Throttling" }, "time-can-fix"],
    ["call timeout", { kind: "timeout", code: "CallTimeout" }, "time-can-fix"],
    ["deadline", { kind: "timeout", code: "DeadlineExceeded" }, "time-can-fix"],
    ["5xx", { kind: "error", code: "ServiceFailure" }, "time-can-fix"],
    ["malformed", { kind: "malformed", code: "SyntaxError" }, "stop-if-repeated"],
    ["Security Hub not enabled", { kind: "not-enabled", code: "InvalidAccessException" }, "stop-if-repeated"],
  ])("%s -> %s", (_name, over, waitability) => {
    expect(explainFailure(failure(over)).waitability).toBe(waitability);
  });
});

describe("failureSentences", () => {
  it("one sentence per cause, naming every read it stopped", () => {
    const denied = failure({ kind: "access-denied", code: "AccessDenied", failedCall: "sts:AssumeRole", resource: ROLE });
    const sentences = failureSentences([
      { what: "GetAccountSummary", failure: denied },
      { what: "the credential report", failure: { ...denied, api: "iam:GetCredentialReport" } },
      { what: "Security Hub findings", failure: failure({ kind: "throttled", code: "TooManyRequestsException", api: "securityhub:GetFindings", accountId: "999988887777" }) },
    ]);
    expect(sentences).toHaveLength(2);
    expect(sentences[0]).toMatch(/^GetAccountSummary and the credential report could not be read in 111122223333 \(us-west-2\): sts:AssumeRole on arn:aws:iam::111122223333:role\/GuardrailsGateReadOnly was denied/);
    expect(sentences[1]).toMatch(/^Security Hub findings could not be read in 999988887777 \(us-west-2\): securityhub:GetFindings stayed throttled/);
  });
  it("one cause behind every read reads as one short line", () => {
    const none = failure({ kind: "no-credentials", message: "x: no AWS credentials found (CredentialsProviderError); the SDK's default chain looked for …" });
    const whats = ["GetAccountSummary", "the credential report", "Security Hub findings"];
    expect(failureSentences(whats.map((what) => ({ what, failure: none })), "No IAM.4 source could be read")).toEqual([
      expect.stringMatching(/^No IAM\.4 source could be read in 111122223333 \(us-west-2\): no AWS credentials found \(CredentialsProviderError\); the SDK's default chain looked for …, so nothing was sent;/),
    ]);
  });
});

describe("waitAdvice", () => {
  const iam3: Iam3Evidence = { accountId: "111122223333", now: NOW, maxAccessKeyAgeDays: 90, users: ok([]), findings: ok([]), exceptions: [] };
  it("keeps waiting on clean evidence and stops at once without credentials", () => {
    expect(waitAdvice({ iam4: passingEvidence(), iam3 }, false)).toEqual({ stopNow: null, persistent: new Map() });
    const none = failure({ kind: "no-credentials" });
    expect(waitAdvice({ iam4: passingEvidence({ accountSummary: none }), iam3 }, false).stopNow).toMatch(/^GetAccountSummary could not be read/);
  });
  it("IAM.3's live data counts only when IAM.3 is required", () => {
    const denied = { ...iam3, users: failure({ kind: "access-denied", code: "AccessDenied", api: "iam:ListUsers" }) };
    expect(waitAdvice({ iam4: passingEvidence(), iam3: denied }, false).persistent.size).toBe(0);
    expect(waitAdvice({ iam4: passingEvidence(), iam3: denied }, true).persistent.size).toBe(1);
  });
  it("Security Hub off in the account is a cause waiting cannot fix", () => {
    const off = ok({ enabled: false, subscribedAt: null, controlFindingGenerator: null, notEnabledBecause: "InvalidAccessException" }, { api: "securityhub:DescribeHub" });
    expect([...waitAdvice({ iam4: passingEvidence({ targetSecurityHub: off }), iam3 }, false).persistent.values()]).toEqual([expect.stringMatching(/^Security Hub is not enabled in 111122223333/)]);
  });
});
