/**
 * Issue 13, local execution: each state machine definition validated with an ASL validator, then run by a local
 * Step Functions interpreter whose Task states call the real handler against the local endpoint. Wait states are
 * overridden to 0 ms (the interpreter's waitTimeOverrides), so nothing sleeps; what stands in for the Distributed
 * Map's item reader and batcher is said in ../local-sfn/index.ts.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundleFile } from "../../gates/evidence/verify";
import type { AccountVerdict } from "../../gates/types";
import { promoteDefinition, sweepDefinition } from "../../modules/gate-service";
import { READY_TAG_KEY } from "../../modules/constants";
import { bigOrganization, clientConfig, exampleWorld } from "../endpoint";
import { IDS, PRODUCTION_OU, downloadEvidence, startService, type ServiceHarness } from "./harness";
import { runLocally, substituteDistributedMap, validateAsl } from "../local-sfn";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:111111111111:function:guardrails-gate";
const promote = promoteDefinition({ functionArn: FUNCTION_ARN });

/** The interpreter's error for an execution that ended in a Fail state: its name and cause are the state's. */
async function failure(result: Promise<unknown>): Promise<{ error: string; cause: string }> {
  const err = await result.then(
    () => null,
    (e: unknown) => e as { cause?: { name: string; message: string } },
  );
  if (err === null) throw new Error("the execution succeeded");
  return { error: err.cause?.name ?? "", cause: err.cause?.message ?? "" };
}

describe("the definitions are valid Amazon States Language", () => {
  it.each([
    ["guardrails-promote", promote],
    ["guardrails-sweep", sweepDefinition({ functionArn: FUNCTION_ARN, partition: "aws", workBucket: "work", batchSize: 50, maxConcurrency: 10 })],
  ])("%s", (_name, definition) => {
    expect(validateAsl(definition)).toEqual({ isValid: true, errors: [] });
  });

  it("the validator is not a rubber stamp: a Choice to a state that does not exist is refused", () => {
    const broken = structuredClone(promote) as { States: Record<string, Record<string, unknown>> };
    broken.States["Decide"]!["Default"] = "Nowhere";
    expect(validateAsl(broken).isValid).toBe(false);
  });
});

describe("guardrails-promote, run locally", () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService(exampleWorld());
  });
  afterAll(() => h.aws.close());
  afterEach(() => h.aws.reset());
  const run = (input: unknown) => runLocally(promote, input, h.handler, { executionName: "promote-test", waits: { WaitBeforeRecheck: 0 } });
  const tagsOf = (id: string): Record<string, string> => h.aws.world.accounts[id]!.tags;

  it("PASS: the account is moved and tagged; the output is the promote JSON of DESIGN section 4", async () => {
    const r = run({ accountId: IDS.clean, moveToOu: PRODUCTION_OU, wait: "15m" });
    const output = (await r.result) as AccountVerdict;
    expect(output).toMatchObject({ schemaVersion: 1, accountId: IDS.clean, verdict: "PASS", productionReady: true, marked: { tag: READY_TAG_KEY, value: "true", changed: true } });
    expect(output.evidence?.path).toMatch(/^s3:\/\/org-evidence\/gate-service\/promote\/333333333333\//);
    expect(r.tasks).toEqual(["Check", "Promote"]);
    expect(tagsOf(IDS.clean)[READY_TAG_KEY]).toBe("true");
    expect(h.aws.world.accounts[IDS.clean]!.parentId).toBe(PRODUCTION_OU);
  });

  it("FAIL: the execution ends in the Fail state NotProductionReady, nothing tagged", async () => {
    const r = run({ accountId: IDS.inactiveRootKey, wait: "1h" });
    const { error, cause } = await failure(r.result);
    expect(error).toBe("NotProductionReady");
    expect(cause).toMatch(/^444444444444 is not production-ready \(FAIL\): /);
    expect(r.tasks).toEqual(["Check", "Promote"]);
    expect(tagsOf(IDS.inactiveRootKey)[READY_TAG_KEY]).toBeUndefined();
  });

  it("no finding yet, then PASS after the wait: check, re-evaluate the Config rule, Wait, check again, promote: tagged", async () => {
    const r = run({ accountId: IDS.awaitingFindings, wait: "15m" });
    const output = (await r.result) as AccountVerdict;
    expect(output.verdict).toBe("PASS");
    expect(r.tasks).toEqual(["Check", "Reevaluate", "Check", "Promote"]);
    expect(h.aws.requests.filter((q) => q.action === "StartConfigRulesEvaluation")).toHaveLength(1);
    expect(tagsOf(IDS.awaitingFindings)[READY_TAG_KEY]).toBe("true");
  });

  it("no finding yet and no wait: one check (the promote step's), not production-ready", async () => {
    const r = run({ accountId: IDS.awaitingFindings });
    expect((await failure(r.result)).error).toBe("NotProductionReady");
    expect(r.tasks).toEqual(["Promote"]);
  });

  it("a failed move: no ready tag, NotProductionReady", async () => {
    h.aws.faults.push({ service: "organizations", action: "MoveAccount", fault: "accessDenied" });
    const r = run({ accountId: IDS.clean, moveToOu: PRODUCTION_OU, wait: "15m" });
    const { error, cause } = await failure(r.result);
    expect(error).toBe("NotProductionReady");
    expect(cause).toMatch(/not promoted/);
    expect(tagsOf(IDS.clean)[READY_TAG_KEY]).toBeUndefined();
    expect(h.aws.requests.some((q) => q.action === "TagResource")).toBe(false);
  });

  it("bad input is caught by the state machine: Fail GuardrailsInvalidInput with the reason, nothing sent", async () => {
    const r = run({ accountId: "12345", wait: "15m" });
    expect(await failure(r.result)).toEqual({ error: "GuardrailsInvalidInput", cause: expect.stringMatching(/accountId "12345" is not a 12-digit AWS account id/) });
    expect(h.aws.requests).toEqual([]);
  });
});

/** The endpoint with an organization of `members` accounts, an S3 client for the substitute item reader, a scratch dir. */
function sweepFixture(members: number, batchSize: number) {
  const f = {} as { h: ServiceHarness; s3: S3Client; scratch: string; definition: () => ReturnType<typeof substituteDistributedMap> };
  beforeAll(async () => {
    // Members in nested OUs (root keys, findings not yet in, suspended, no gate role, Security Hub off: see bigOrganization).
    f.h = await startService(bigOrganization(members), { batchSize, concurrency: 6 });
    f.s3 = new S3Client({ ...clientConfig(f.h.aws.url), forcePathStyle: true });
    f.scratch = mkdtempSync(join(tmpdir(), "guardrails-service-sfn-"));
    f.definition = () =>
      substituteDistributedMap(sweepDefinition({ functionArn: FUNCTION_ARN, partition: "aws", workBucket: f.h.settings.workBucket, batchSize, maxConcurrency: 4 }), "CheckAccounts", f.s3);
  });
  afterAll(() => {
    f.s3.destroy();
    f.h.aws.close();
    rmSync(f.scratch, { recursive: true, force: true });
  });
  return f;
}

describe("guardrails-sweep, run locally through the map: a few hundred accounts", () => {
  const f = sweepFixture(240, 50);

  it("every ACTIVE account gets a bundle, the index verifies, and the execution fails NotAllProductionReady as sweep exits 1", async () => {
    const { h, scratch } = f;
    const { definition: def, readItems } = f.definition();
    const r = runLocally(def, { ouIds: [], revoke: false }, h.handler, { executionName: "sweep-240", extraTasks: { ReadItems: readItems } });
    const { error, cause } = await failure(r.result);
    expect(error).toBe("NotAllProductionReady");
    const active = Object.values(h.aws.world.accounts).filter((a) => a.status === "ACTIVE").length;
    expect(active).toBeGreaterThan(200);
    expect(r.tasks.filter((t) => t === "CheckBatch")).toHaveLength(Math.ceil(active / 50));
    // What bench/service.bench.ts prices: the parent's states (the substitute's ReadItems among them), one child execution per batch, its one state.
    expect(r.counts()).toEqual({ parentStates: 6, childExecutions: Math.ceil(active / 50), childStates: Math.ceil(active / 50), retries: 0 });
    expect(r.tasks.filter((t) => t !== "CheckBatch")).toEqual(["ListAccounts", "ReadItems", "WriteIndex"]);
    const location = /index (s3:\/\/\S+)$/.exec(cause)![1]!;
    const files = downloadEvidence(h.aws, "gate-service/sweeps/sweep-240", scratch);
    const indexFile = files.find((name) => name.startsWith("guardrails-evidence-index-"))!;
    expect(location).toBe(`s3://org-evidence/gate-service/sweeps/sweep-240/${indexFile}`);
    expect(verifyBundleFile(join(scratch, indexFile))).toMatchObject({ ok: true, errors: [] });
    const index = JSON.parse(readFileSync(join(scratch, indexFile), "utf8")) as { entries: { accountId: string }[]; skipped: unknown[]; errors: unknown[] };
    expect(index.entries).toHaveLength(active);
    expect(index.skipped).toHaveLength(Object.keys(h.aws.world.accounts).length - active);
    expect(index.errors).toEqual([]);
    // One organization-wide findings read for the whole sweep.
    expect(h.aws.requests.filter((q) => q.action === "GetFindings").length).toBeLessThanOrEqual(3 * 3);
    // 4.4 s on an idle 2-core machine, 8.6 s with both cores busy elsewhere; two whole suites at once once took it
    // past the default 20 s. The time is all work (240 accounts' checks), so only the limit is raised.
  }, 60_000);
});

describe("guardrails-sweep, run locally through the map: a batch that fails", () => {
  // Small batches so that the organization is several of them at little cost.
  const f = sweepFixture(60, 20);

  it("fails the Map (no tolerated failure): the index is still written, naming the accounts left without a bundle, and the execution fails SweepIncomplete", async () => {
    const { h, scratch } = f;
    const { definition: def, readItems } = f.definition();
    let batches = 0;
    let crashed: string[] = [];
    const r = runLocally(def, { revoke: false }, h.handler, {
      executionName: "sweep-broken",
      extraTasks: {
        ReadItems: readItems,
        CheckBatch: async (event) => {
          if (++batches === 2) {
            crashed = (event as { Items: { accountId: string }[] }).Items.map((item) => item.accountId);
            throw Object.assign(new Error("the function crashed"), { name: "Error" });
          }
          return h.handler(event);
        },
      },
    });
    const { error, cause } = await failure(r.result);
    expect(error).toBe("SweepIncomplete");
    expect(cause).toMatch(/the Distributed Map did not finish \(Error: the function crashed\)/);
    expect(r.tasks.at(-1)).toBe("WriteIndexAfterMapFailure");
    const files = downloadEvidence(h.aws, "gate-service/sweeps/sweep-broken", scratch);
    const indexFile = files.find((name) => name.startsWith("guardrails-evidence-index-"))!;
    expect(verifyBundleFile(join(scratch, indexFile))).toMatchObject({ ok: true, errors: [] });
    // The failed batch's accounts are in the index as INCONCLUSIVE, each with a bundle saying why.
    const index = JSON.parse(readFileSync(join(scratch, indexFile), "utf8")) as { entries: { accountId: string; verdict: string }[]; errors: { kind: string; reason: string }[] };
    const active = Object.values(h.aws.world.accounts).filter((a) => a.status === "ACTIVE").length;
    expect(index.entries).toHaveLength(active);
    const unfinished = index.errors.filter((e) => e.kind === "evidence" && /its batch did not finish/.test(e.reason)).map((e) => (e as { accountId?: string }).accountId);
    expect(crashed.length).toBeGreaterThan(0);
    expect(unfinished).toEqual(expect.arrayContaining(crashed));
    for (const id of crashed) expect(index.entries.find((e) => e.accountId === id)?.verdict).toBe("INCONCLUSIVE");
  });
});
