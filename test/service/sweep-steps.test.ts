/**
 * Issue 13, handlers (sweep side): listAccounts -> checkBatch per batch -> writeSweepIndex, called in process
 * against the local endpoint. The batches are cut here as ItemBatcher cuts them (consecutive items,
 * MaxItemsPerBatch each, `{BatchInput, Items}`); the state machine tests run the same steps through a
 * Step Functions interpreter.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundleFile } from "../../gates/evidence/verify";
import type { BatchStepResult, IndexStepResult, ListStepResult } from "../../gates/service/sweep-steps";
import type { ListingRecord, SweepItem } from "../../gates/service/sweep-input";
import { createHandler } from "../../gates/service";
import { READY_TAG_KEY } from "../../modules/constants";
import { bigOrganization } from "../endpoint";
import { FAST, WORK_BUCKET, downloadEvidence, objectsUnder, startService, type ServiceHarness } from "./harness";

let h: ServiceHarness;
const scratch = mkdtempSync(join(tmpdir(), "guardrails-service-sweep-"));
// 22 members (every 10th with a root key, every 7th awaiting findings, every 13th suspended, every 17th without
// the gate role, every 19th without Security Hub) plus management and security tooling.
beforeAll(async () => {
  h = await startService(bigOrganization(22));
});
afterAll(() => {
  h.aws.close();
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => h.aws.reset());

function itemsOf(runId: string): SweepItem[] {
  const o = objectsUnder(h.aws, WORK_BUCKET, `runs/${runId}/accounts.json`).get(`runs/${runId}/accounts.json`);
  return JSON.parse(o!.body.toString("utf8")) as SweepItem[];
}

/** The Distributed Map's part: batches of MaxItemsPerBatch consecutive items, each `{BatchInput, Items}`. */
async function runBatches(runId: string, revoke: boolean, skip: (i: number) => boolean = () => false): Promise<BatchStepResult[]> {
  const items = itemsOf(runId);
  const results: BatchStepResult[] = [];
  for (let i = 0, n = 0; i < items.length; i += h.settings.batchSize, n++) {
    if (skip(n)) continue;
    results.push((await h.handler({ action: "checkBatch", BatchInput: { runId, revoke }, Items: items.slice(i, i + h.settings.batchSize) })) as BatchStepResult);
  }
  return results;
}

async function sweep(runId: string, revoke = false, skip?: (i: number) => boolean): Promise<{ list: ListStepResult; batches: BatchStepResult[]; index: IndexStepResult }> {
  const list = (await h.handler({ action: "listAccounts", runId, input: { revoke } })) as ListStepResult;
  const batches = await runBatches(runId, revoke, skip);
  const index = (await h.handler({ action: "writeSweepIndex", runId, revoke })) as IndexStepResult;
  return { list, batches, index };
}

describe("a sweep through the steps", () => {
  it("every ACTIVE account gets a bundle in the evidence bucket and the index verifies; findings are read once for the organization", async () => {
    const { list, batches, index } = await sweep("run-1");
    const active = Object.values(h.aws.world.accounts).filter((a) => a.status === "ACTIVE").map((a) => a.id).sort();
    expect(list).toMatchObject({ runId: "run-1", accounts: active.length, skipped: 24 - active.length, errors: 0 });
    expect(itemsOf("run-1").map((i) => i.accountId)).toEqual(active);
    expect(batches.reduce((n, b) => n + b.accounts, 0)).toBe(active.length);
    // One organization-wide read (3 queries, one page each here), none from the batches.
    expect(h.aws.requests.filter((r) => r.action === "GetFindings")).toHaveLength(3);
    expect(index.summary).toMatchObject({ accounts: active.length, skipped: 24 - active.length });
    expect(index.summary.pass + index.summary.fail + index.summary.inconclusive).toBe(active.length);
    expect(index.summary.fail).toBeGreaterThan(0);
    expect(index.summary.verdict).toBe("FAIL");
    expect(index.cause).toMatch(/FAIL and \d+ INCONCLUSIVE of \d+ accounts/);

    const dir = join(scratch, "run-1");
    const files = downloadEvidence(h.aws, "gate-service/sweeps/run-1", dir);
    const indexFile = files.find((f) => f.startsWith("guardrails-evidence-index-"))!;
    expect(index.index.location).toBe(`s3://org-evidence/gate-service/sweeps/run-1/${indexFile}`);
    const verified = verifyBundleFile(join(dir, indexFile));
    expect(verified).toEqual({ ok: true, errors: [], kind: "index", sha256: index.index.sha256 });
    expect(files.filter((f) => f.endsWith(".json")).length).toBe(active.length + 1);
  });

  it("--revoke: the ready tag is removed from every account that is not PASS, skipped ones included, and kept on PASS", async () => {
    for (const a of Object.values(h.aws.world.accounts)) a.tags[READY_TAG_KEY] = "true";
    const { index } = await sweep("run-revoke", true);
    expect(index.summary.errors).toBe(0);
    const tagged = Object.values(h.aws.world.accounts).filter((a) => a.tags[READY_TAG_KEY] === "true");
    expect(tagged.length).toBe(index.summary.pass);
    expect(tagged.every((a) => a.status === "ACTIVE")).toBe(true);
  });

  it("a batch that never reported: its accounts get INCONCLUSIVE bundles saying so, the sweep is INCONCLUSIVE at best, and the index still verifies", async () => {
    const { batches, index } = await sweep("run-gap", false, (n) => n === 1);
    const missing = itemsOf("run-gap").length - batches.reduce((n, b) => n + b.accounts, 0);
    expect(missing).toBe(h.settings.batchSize);
    expect(index.summary.errors).toBe(missing);
    expect(index.summary.verdict).not.toBe("PASS");
    const dir = join(scratch, "run-gap");
    const files = downloadEvidence(h.aws, "gate-service/sweeps/run-gap", dir);
    const indexFile = files.find((f) => f.startsWith("guardrails-evidence-index-"))!;
    expect(verifyBundleFile(join(dir, indexFile)).ok).toBe(true);
    const written = JSON.parse(readFileSync(join(dir, indexFile), "utf8")) as { errors: { reason: string }[] };
    expect(written.errors.map((e) => e.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/its batch did not finish/)]));
  });

  it("a batch still running when the Map failed, finishing after the index was written, cannot change a bundle the index names", async () => {
    // A failed Distributed Map stops its child executions, but a Lambda invocation already running finishes and
    // stores its bundles. Same clock for both writers: a bundle named like the index step's would replace it.
    const fixed = new Date("2026-12-01T10:00:00.000Z");
    const handler = createHandler(h.settings, { ...FAST, clock: () => fixed });
    const runId = "run-late-batch";
    await handler({ action: "listAccounts", runId, input: {} });
    const items = itemsOf(runId);
    const late = items.slice(0, h.settings.batchSize);
    await handler({ action: "checkBatch", BatchInput: { runId, revoke: false }, Items: items.slice(h.settings.batchSize) });
    await handler({ action: "writeSweepIndex", runId, revoke: false, mapError: { Error: "States.ExceedToleratedFailureThreshold", Cause: "a batch failed" } });
    const lateResult = (await handler({ action: "checkBatch", BatchInput: { runId, revoke: false }, Items: late })) as BatchStepResult;
    expect(lateResult.accounts).toBe(late.length);

    const dir = join(scratch, runId);
    const files = downloadEvidence(h.aws, `gate-service/sweeps/${runId}`, dir);
    const indexFile = files.find((f) => f.startsWith("guardrails-evidence-index-"))!;
    expect(verifyBundleFile(join(dir, indexFile))).toMatchObject({ ok: true, errors: [] });
    const written = JSON.parse(readFileSync(join(dir, indexFile), "utf8")) as { entries: { accountId: string; verdict: string; path: string }[] };
    for (const item of late) expect(written.entries.find((e) => e.accountId === item.accountId)).toMatchObject({ verdict: "INCONCLUSIVE", path: expect.stringMatching(/-not-checked\.json$/) });
  });

  it("the map's failure is recorded in the index as an error (fail closed)", async () => {
    await h.handler({ action: "listAccounts", runId: "run-map-failed", input: {} });
    const index = (await h.handler({ action: "writeSweepIndex", runId: "run-map-failed", revoke: false, mapError: { Error: "States.ExceedToleratedFailureThreshold", Cause: "a batch failed" } })) as IndexStepResult;
    expect(index.summary.verdict).toBe("INCONCLUSIVE");
    expect(index.cause).toMatch(/the Distributed Map did not finish \(States\.ExceedToleratedFailureThreshold: a batch failed\)/);
  });

  it("an organization-wide findings read that time could fix (throttled) leaves each account to read its own findings in its batch, as the CLI's sweep falls back", async () => {
    h.aws.faults.push({ service: "securityhub", action: "GetFindings", fault: "throttle" });
    const list = (await h.handler({ action: "listAccounts", runId: "run-fallback", input: {} })) as ListStepResult;
    const shard = JSON.parse(objectsUnder(h.aws, WORK_BUCKET, "runs/run-fallback/findings/0.json").get("runs/run-fallback/findings/0.json")!.body.toString("utf8")) as Record<string, unknown>;
    expect(Object.values(shard).every((v) => v === null)).toBe(true);
    h.aws.faults.length = 0;
    const before = h.aws.requests.filter((r) => r.action === "GetFindings").length;
    const [first] = await runBatches("run-fallback", false, (n) => n > 0);
    expect(h.aws.requests.filter((r) => r.action === "GetFindings").length - before).toBe(3 * first!.accounts);
    expect(list.accounts).toBeGreaterThan(first!.accounts);
    expect(first!.pass).toBeGreaterThan(0);
  });

  it("the organization-wide findings read is paced under GetFindings' shared quota (the CLI sweep's limiter): it completes, no account is left to read its own", async () => {
    // GetFindings' documented quota (3/s, burst 6) scaled so the test is quick: the endpoint serves 30/s, one at a
    // time. The limiter is told half that, so a loaded machine's timer jitter is not a throttle, while unpaced
    // pages (hundreds a second) are: without the limiter, 23 accounts fall back to their own read.
    h.aws.faults.push({ service: "securityhub", action: "GetFindings", ratePerSecond: 30, burst: 1, perAccount: true });
    const handler = createHandler(h.settings, { ...FAST, limiter: { initialRatePerSecond: 1000, burst: 100, knownQuotas: { "securityhub:GetFindings": { ratePerSecond: 15, burst: 1 } } } });
    await handler({ action: "listAccounts", runId: "run-paced", input: {} });
    const listing = JSON.parse(objectsUnder(h.aws, WORK_BUCKET, "runs/run-paced/listing.json").get("runs/run-paced/listing.json")!.body.toString("utf8")) as ListingRecord;
    expect(listing.findings).toMatchObject({ fallbacks: 0, completedAt: expect.any(String) });
    expect(listing.findings.queries.map((q) => q.state)).toEqual(["complete", "complete", "complete"]);
  });

  it("a listing error is never an empty success: it is in the index and the sweep is INCONCLUSIVE", async () => {
    h.aws.faults.push({ service: "organizations", action: "ListAccounts", fault: "accessDenied" });
    const { list, index } = await sweep("run-no-list");
    expect(list).toMatchObject({ accounts: 0, errors: 1 });
    expect(index.summary.verdict).toBe("INCONCLUSIVE");
    expect(index.cause).toMatch(/could not list the organization's accounts/);
  });
});
