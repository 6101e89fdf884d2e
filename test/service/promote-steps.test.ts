/**
 * Issue 13, handlers (promote side): the check / reevaluate / promote steps called in process against the
 * local endpoint, through the SDK clients the deployed function uses. Bad input is a GuardrailsInvalidInput
 * error with nothing sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { verifyBundleFile } from "../../gates/evidence/verify";
import type { CheckStepResult, PromoteStepResult } from "../../gates/service/promote-steps";
import { parseSettings } from "../../gates/service/settings";
import { createHandler, handler as deployedHandler } from "../../gates/service";
import { READY_EVIDENCE_TAG_KEY, READY_TAG_KEY } from "../../modules/constants";
import { EVIDENCE_BUCKET, IDS, PRODUCTION_OU, objectsUnder, serviceSettings, startService, type ServiceHarness } from "./harness";

let h: ServiceHarness;
beforeAll(async () => {
  h = await startService();
});
afterAll(() => h.aws.close());
afterEach(() => h.aws.reset());

const check = (request: unknown, loop?: unknown): Promise<CheckStepResult> => h.handler({ action: "check", request, loop }) as Promise<CheckStepResult>;
const promote = (request: unknown): Promise<PromoteStepResult> => h.handler({ action: "promote", request }) as Promise<PromoteStepResult>;
const tagsOf = (id: string): Record<string, string> => h.aws.world.accounts[id]!.tags;

describe("check step: one evaluation, then what `--wait` would do next", () => {
  it("PASS: promote now", async () => {
    const r = await check({ accountId: IDS.clean, wait: "15m" });
    expect(r).toMatchObject({ attempt: 1, verdict: "PASS", next: "promote", waitSeconds: 0 });
  });

  it("no finding yet, with a wait: re-evaluate the Config rule first, then wait the CLI's first backoff (5 s)", async () => {
    const r = await check({ accountId: IDS.awaitingFindings, wait: "15m" });
    expect(r).toMatchObject({ attempt: 1, verdict: "INCONCLUSIVE", next: "reevaluate", waitSeconds: 5 });
    const second = await check({ accountId: IDS.awaitingFindings, wait: "15m" }, { attempt: r.attempt, persistent: r.persistent });
    expect(second).toMatchObject({ attempt: 2, next: "wait", waitSeconds: 10 });
  });

  it("no finding yet without a wait: promote (which will not tag)", async () => {
    expect(await check({ accountId: IDS.awaitingFindings })).toMatchObject({ next: "promote", why: "no wait asked" });
  });

  it("a FAIL backed by live data stops at once: waiting cannot fix a root key", async () => {
    expect(await check({ accountId: IDS.inactiveRootKey, wait: "1h" })).toMatchObject({ verdict: "FAIL", next: "promote" });
  });

  it("the wait is over when the next attempt would come after the deadline (started at $$.Execution.StartTime)", async () => {
    const startedAt = new Date(Date.now() - 898_000).toISOString();
    const r = (await h.handler({ action: "check", request: { accountId: IDS.awaitingFindings, wait: "15m" }, startedAt })) as CheckStepResult;
    expect(r).toMatchObject({ next: "promote", why: "waited 900 s: the wait is over" });
  });

  it("reevaluate starts IAM_ROOT_ACCESS_KEY_CHECK's evaluation, after which the check PASSes", async () => {
    const r = (await h.handler({ action: "reevaluate", request: { accountId: IDS.awaitingFindings } })) as { rules: string[]; error: string | null };
    expect(r.error).toBeNull();
    expect(r.rules.length).toBeGreaterThan(0);
    expect(h.aws.requests.filter((q) => q.action === "StartConfigRulesEvaluation")).toHaveLength(1);
    expect(await check({ accountId: IDS.awaitingFindings, wait: "15m" })).toMatchObject({ verdict: "PASS", next: "promote" });
  });
});

describe("promote step: promoteAccount, the bundle in the evidence bucket before the tag names it", () => {
  it("PASS: tagged, moved, the bundle stored with Content-MD5 and SHA-256, the digest tag naming it, and it verifies", async () => {
    const r = await promote({ accountId: IDS.clean, moveToOu: PRODUCTION_OU });
    expect(r).toMatchObject({ productionReady: true, exitCode: 0, cause: "" });
    expect(r.verdict.marked).toEqual({ tag: READY_TAG_KEY, value: "true", changed: true });
    expect(h.aws.world.accounts[IDS.clean]!.parentId).toBe(PRODUCTION_OU);
    const location = r.verdict.evidence!.path;
    expect(location).toMatch(new RegExp(`^s3://${EVIDENCE_BUCKET}/gate-service/promote/${IDS.clean}/guardrails-evidence-${IDS.clean}-.*\\.json$`));
    expect(tagsOf(IDS.clean)[READY_EVIDENCE_TAG_KEY]).toBe(r.verdict.evidence!.sha256);
    const stored = objectsUnder(h.aws, EVIDENCE_BUCKET, `gate-service/promote/${IDS.clean}/`);
    expect([...stored.keys()].map((k) => k.split(".").pop()).sort()).toEqual(["json", "md"]);
    const json = [...stored.entries()].find(([k]) => k.endsWith(".json"))![1];
    expect(json.headers["content-md5"]).toBe(createHash("md5").update(json.body).digest("base64"));
    expect(json.headers["x-amz-checksum-sha256"]).toBe(createHash("sha256").update(json.body).digest("base64"));
    const dir = mkdtempSync(join(tmpdir(), "guardrails-service-test-"));
    try {
      writeFileSync(join(dir, "bundle.json"), json.body);
      expect(verifyBundleFile(join(dir, "bundle.json"))).toMatchObject({ ok: true, sha256: r.verdict.evidence!.sha256 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("FAIL: not production-ready, a stale ready tag removed, the cause names the verdict and its first reason", async () => {
    tagsOf(IDS.inactiveRootKey)[READY_TAG_KEY] = "true";
    const r = await promote({ accountId: IDS.inactiveRootKey });
    expect(r).toMatchObject({ productionReady: false, exitCode: 1 });
    expect(r.cause).toMatch(new RegExp(`^${IDS.inactiveRootKey} is not production-ready \\(FAIL\\): `));
    expect(tagsOf(IDS.inactiveRootKey)[READY_TAG_KEY]).toBeUndefined();
  });

  it("a failed move leaves no ready tag and exits 3 (the ready tag never lies)", async () => {
    h.aws.faults.push({ service: "organizations", action: "MoveAccount", fault: "accessDenied" });
    const r = await promote({ accountId: IDS.clean, moveToOu: PRODUCTION_OU });
    expect(r).toMatchObject({ productionReady: false, exitCode: 3 });
    expect(r.verdict.verdict).toBe("PASS");
    expect(r.cause).toMatch(/not promoted/);
    expect(tagsOf(IDS.clean)[READY_TAG_KEY]).toBeUndefined();
    expect(h.aws.requests.some((q) => q.action === "TagResource")).toBe(false);
  });

  it("a bundle the bucket refuses is no promotion: no tag names a bundle that was not stored", async () => {
    h.aws.faults.push({ service: "s3", action: "PutObject", fault: "accessDenied" });
    const r = await promote({ accountId: IDS.clean });
    expect(r).toMatchObject({ productionReady: false, exitCode: 3 });
    expect(tagsOf(IDS.clean)[READY_TAG_KEY]).toBeUndefined();
    expect(tagsOf(IDS.clean)[READY_EVIDENCE_TAG_KEY]).toBeUndefined();
  });
});

describe("bad input: GuardrailsInvalidInput (the state machine catches it), nothing sent", () => {
  it.each<[string, unknown, RegExp]>([
    ["an account id that is not 12 digits", { action: "check", request: { accountId: "12345" } }, /accountId "12345" is not a 12-digit AWS account id/],
    ["an account id as a JSON number", { action: "promote", request: { accountId: 333333333333 } }, /not a 12-digit AWS account id \(a string/],
    ["an OU other than the production OU", { action: "promote", request: { accountId: IDS.clean, moveToOu: "ou-ex01-workloads" } }, /is not the production OU ou-ex01-security/],
    ["a wait that is no duration", { action: "check", request: { accountId: IDS.clean, wait: "soon" } }, /wait "soon" is not a duration/],
    ["a wait past the service's limit", { action: "check", request: { accountId: IDS.clean, wait: "25h" } }, /longer than the service's limit of 86400 s/],
    ["an unknown field", { action: "promote", request: { accountId: IDS.clean, tag: "x" } }, /unknown field "tag"/],
    ["an unknown action", { action: "deleteEverything" }, /unknown action "deleteEverything"/],
    ["no object", [1, 2], /must be a JSON object/],
    ["a batch that is not an ItemBatcher batch", { action: "checkBatch", Items: [] }, /must be an ItemBatcher batch/],
    ["a sweep input with a bad OU", { action: "listAccounts", runId: "run-1", input: { ouIds: ["ou-bad"] } }, /ouIds \["ou-bad"\] must be a list of OU or root ids/],
    ["a run id that is no execution name", { action: "writeSweepIndex", runId: "a/b", revoke: false }, /runId "a\/b" is not an execution name/],
  ])("%s", async (_name, event, message) => {
    const error = await h.handler(event).then(() => null, (e: unknown) => e as Error);
    expect(error?.name).toBe("GuardrailsInvalidInput");
    expect(error?.message).toMatch(message);
    expect(h.aws.requests).toEqual([]);
  });

  it("the deployed entry point refuses to run without its settings (GuardrailsMisconfigured), and invalid settings name the field", async () => {
    const saved = process.env["GUARDRAILS_GATE_SERVICE"];
    delete process.env["GUARDRAILS_GATE_SERVICE"];
    try {
      await expect(deployedHandler({ action: "check", request: { accountId: IDS.clean } })).rejects.toMatchObject({ name: "GuardrailsMisconfigured" });
    } finally {
      if (saved !== undefined) process.env["GUARDRAILS_GATE_SERVICE"] = saved;
    }
    expect(() => parseSettings({ ...serviceSettings(h.aws.url), productionOuId: "ou-1" })).toThrow(/productionOuId: is not an OU id/);
    expect(() => parseSettings({ ...serviceSettings(h.aws.url), homeRegion: "us-east-9" })).toThrow(/"us-east-9" is not an AWS region/);
    // 72 h of re-checks every 60 s: 4,320 of them, past an execution history's 25,000 events.
    expect(() => parseSettings({ ...serviceSettings(h.aws.url), maxWaitSeconds: 72 * 3600, waitBackoff: { baseSeconds: 5, maxSeconds: 60 } })).toThrow(
      /waitBackoff\.maxSeconds: 60 s between re-checks over maxWaitSeconds 259200 s is more than 1000 re-checks/,
    );
    expect(() => createHandler(serviceSettings(h.aws.url))).not.toThrow();
    expect(h.aws.requests).toEqual([]);
  });
});
