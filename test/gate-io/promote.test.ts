/** promote: tag only on PASS, remove a stale ready tag otherwise, idempotent, fail closed on write errors; --wait. */
import type { LocalAws } from "../endpoint";
import { checkAccount } from "../../gates/check";
import { promoteAccount } from "../../gates/promote";
import { READY_CHECKED_AT_TAG_KEY, READY_TAG_KEY } from "../../modules/constants";
import { fastOptions, IDS, startEndpoint } from "./harness";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => aws.reset());

const tagsOf = (id: string): Record<string, string> => aws.world.accounts[id]!.tags;

describe("promoteAccount", () => {
  it("tags a PASS account with the ready tag and when it was checked", async () => {
    const { verdict, markingFailed } = await promoteAccount(fastOptions(aws, IDS.clean));
    expect(verdict.verdict).toBe("PASS");
    expect(markingFailed).toBe(false);
    expect(verdict.marked).toEqual({ tag: READY_TAG_KEY, value: "true", changed: true });
    expect(tagsOf(IDS.clean)[READY_TAG_KEY]).toBe("true");
    expect(tagsOf(IDS.clean)[READY_CHECKED_AT_TAG_KEY]).toBe(verdict.checkedAt);
  });

  it("is idempotent on re-run and moves into the OU only once", async () => {
    const ou = "ou-ex01-security";
    await promoteAccount(fastOptions(aws, IDS.clean, { moveToOuId: ou }));
    const second = await promoteAccount(fastOptions(aws, IDS.clean, { moveToOuId: ou }));
    expect(second.markingFailed).toBe(false);
    expect(aws.world.accounts[IDS.clean]!.parentId).toBe(ou);
    expect(aws.requests.filter((r) => r.action === "MoveAccount")).toHaveLength(1);
  });

  it("never tags a FAIL account and removes a stale ready tag", async () => {
    tagsOf(IDS.inactiveRootKey)[READY_TAG_KEY] = "true";
    const { verdict } = await promoteAccount(fastOptions(aws, IDS.inactiveRootKey));
    expect(verdict.verdict).toBe("FAIL");
    expect(verdict.marked?.changed).toBe(true);
    expect(verdict.controls[0]!.reasons.join(" ")).toMatch(/Removed the guardrails:production-ready tag/);
    expect(tagsOf(IDS.inactiveRootKey)[READY_TAG_KEY]).toBeUndefined();
    expect(aws.requests.some((r) => r.action === "TagResource")).toBe(false);
  });

  it("never tags an INCONCLUSIVE account", async () => {
    const { verdict } = await promoteAccount(fastOptions(aws, IDS.awaitingFindings));
    expect(verdict.verdict).toBe("INCONCLUSIVE");
    expect(verdict.marked?.changed).toBe(false);
    expect(tagsOf(IDS.awaitingFindings)[READY_TAG_KEY]).toBeUndefined();
  });

  it("a tagging failure on PASS keeps the verdict, marks nothing and says why", async () => {
    aws.faults.push({ service: "organizations", action: "TagResource", fault: "accessDenied" });
    const { verdict, markingFailed } = await promoteAccount(fastOptions(aws, IDS.clean));
    expect(verdict.verdict).toBe("PASS");
    expect(markingFailed).toBe(true);
    expect(verdict.marked?.changed).toBe(false);
    expect(verdict.controls[0]!.reasons.join(" ")).toMatch(/NOT promoted/);
  });

  it("check never writes anything: its only Organizations call is the status read", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.marked).toBeNull();
    expect(aws.requests.filter((r) => r.service === "organizations").map((r) => r.action)).toEqual(["DescribeAccount"]);
  });
});

describe("--wait", () => {
  it("starts the IAM_ROOT_ACCESS_KEY_CHECK evaluation and re-checks until PASS", async () => {
    const lines: string[] = [];
    const v = await checkAccount(fastOptions(aws, IDS.awaitingFindings, { waitMs: 2_000, onProgress: (l) => lines.push(l) }));
    expect(aws.requests.some((r) => r.action === "StartConfigRulesEvaluation")).toBe(true);
    expect(v.verdict).toBe("PASS");
    expect(lines.join("\n")).toMatch(/attempt 2: PASS/);
  });

  it("stops at once on a FAIL backed by live data", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.inactiveRootKey, { waitMs: 2_000 }));
    expect(v.verdict).toBe("FAIL");
    expect(aws.requests.some((r) => r.action === "StartConfigRulesEvaluation")).toBe(false);
  });
});
