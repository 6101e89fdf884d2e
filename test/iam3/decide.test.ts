import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decideIam3 } from "../../gates/decide/iam3";
import { normalizeFinding, type AsffLike } from "../../gates/findings";
import type { Iam3Evidence, Verdict } from "../../gates/types";
import { renderInventoryCsv } from "../../gates/render/inventory";
import {
  ACCOUNT, DAY_S, FULL_KEY_ID, KEY_ALICE, KEY_ALICE_2, KEY_BOB, NOW_MS, OTHER_ACCOUNT,
  evidence, exception, failed, finding, key, ok, user,
} from "./evidence";

const aliceWith = (...keys: ReturnType<typeof key>[]) => ok([user("alice", keys), user("bob", [key(KEY_BOB, DAY_S)])]);
const MIN = 60;

/** Every decision is also checked for leaked key ids, in its JSON and its CSV. */
function decide(e: Iam3Evidence) {
  const d = decideIam3(e);
  expect(JSON.stringify(d)).not.toMatch(FULL_KEY_ID);
  expect(renderInventoryCsv(d.inventory)).not.toMatch(FULL_KEY_ID);
  return d;
}

describe("IAM.3 key age boundaries (strictly greater than the limit, seconds precision)", () => {
  const cases: [string, number, number, Verdict][] = [
    ["90 d - 1 min passes", 90, 90 * DAY_S - MIN, "PASS"],
    ["exactly 90 d passes", 90, 90 * DAY_S, "PASS"],
    ["90 d + 1 s fails", 90, 90 * DAY_S + 1, "FAIL"],
    ["90 d + 1 min fails", 90, 90 * DAY_S + MIN, "FAIL"],
    ["custom 30 d: exactly 30 d passes", 30, 30 * DAY_S, "PASS"],
    ["custom 30 d: 30 d + 1 min fails", 30, 30 * DAY_S + MIN, "FAIL"],
    ["custom 120 d: 100 d passes", 120, 100 * DAY_S, "PASS"],
  ];
  it.each(cases)("%s", (_name, maxDays, ageSeconds, verdict) => {
    const d = decide(evidence({ maxAccessKeyAgeDays: maxDays, users: aliceWith(key(KEY_ALICE, ageSeconds)) }));
    expect(d.verdict).toBe(verdict);
    const row = d.inventory.find((r) => r.user === "alice");
    expect(row?.violation).toBe(verdict === "FAIL");
    if (verdict === "FAIL") {
      expect(d.reasons[0]).toMatch(/IAM user alice/);
      expect(d.reasons[0]).toContain("****************MPLE");
      expect(d.reasons[0]).toContain(`${maxDays}-day limit`);
      expect(d.reasons[0]).toContain("rotate or deactivate it, or add an approved exception");
    }
  });

  it("reports age and days until due with one decimal, negative when overdue", () => {
    const d = decide(evidence({ users: aliceWith(key(KEY_ALICE, 100 * DAY_S + 3 * 3600)) }));
    const row = d.inventory.find((r) => r.user === "alice");
    expect(row).toMatchObject({ accessKeyId: "****************MPLE", ageDays: 100.1, daysUntilDue: -10.1, violation: true, owner: "platform-team" });
    expect(d.reasons[0]).toContain("100.1 days old");
  });
});

describe("IAM.3 key status and dates", () => {
  const cases: [string, Iam3Evidence, Verdict, RegExp | null][] = [
    ["inactive key of 400 days is listed, never violates", evidence({ users: aliceWith(key(KEY_ALICE, 400 * DAY_S, "Inactive")) }), "PASS", null],
    ["unknown status is INCONCLUSIVE", evidence({ users: aliceWith(key(KEY_ALICE, DAY_S, "Expired")) }), "INCONCLUSIVE", /status "Expired"/],
    ["lower-case active is not Active: INCONCLUSIVE", evidence({ users: aliceWith(key(KEY_ALICE, DAY_S, "active")) }), "INCONCLUSIVE", /neither Active nor Inactive/],
    ["missing creation date is INCONCLUSIVE", evidence({ users: aliceWith(key(KEY_ALICE, null)) }), "INCONCLUSIVE", /missing/],
    ["+299 s in the future is clock skew: age 0, PASS", evidence({ users: aliceWith(key(KEY_ALICE, -299)) }), "PASS", null],
    ["+301 s in the future is INCONCLUSIVE", evidence({ users: aliceWith(key(KEY_ALICE, -301)) }), "INCONCLUSIVE", /in the future/],
    ["users list unreadable is INCONCLUSIVE", evidence({ users: failed() }), "INCONCLUSIVE", /The IAM user list \(ListUsers\) could not be read in 123456789012 \(us-east-1\): iam:ListUsers was denied/],
    [
      "one user's keys unreadable is INCONCLUSIVE",
      evidence({ users: ok([user("alice", failed("throttled", "iam:ListAccessKeys")), user("bob", [key(KEY_BOB, DAY_S)])]) }),
      "INCONCLUSIVE",
      /access keys \(ListAccessKeys\) of IAM user alice could not be read .*throttled/,
    ],
    [
      "FAIL beats INCONCLUSIVE",
      evidence({ users: ok([user("alice", failed()), user("bob", [key(KEY_BOB, 91 * DAY_S)])]) }),
      "FAIL",
      /IAM user bob/,
    ],
    ["no users at all: PASS", evidence({ users: ok([]) }), "PASS", null],
  ];
  it.each(cases)("%s", (_name, e, verdict, reason) => {
    const d = decide(e);
    expect(d.verdict).toBe(verdict);
    if (reason !== null) expect(d.reasons.join("\n")).toMatch(reason);
  });

  it("treats a key created 299 s ahead as age 0", () => {
    const d = decide(evidence({ users: aliceWith(key(KEY_ALICE, -299)) }));
    expect(d.inventory.find((r) => r.user === "alice")).toMatchObject({ ageDays: 0, daysUntilDue: 90 });
  });
  it("leaves inactive keys without a due date", () => {
    const d = decide(evidence({ users: aliceWith(key(KEY_ALICE, 400 * DAY_S, "Inactive")) }));
    expect(d.inventory.find((r) => r.user === "alice")).toMatchObject({ status: "Inactive", violation: false, daysUntilDue: null });
  });
  it("an unparseable clock is INCONCLUSIVE, never PASS", () => {
    expect(decide(evidence({ now: "yesterday" })).verdict).toBe("INCONCLUSIVE");
  });
});

describe("IAM.3 exceptions", () => {
  const old = key(KEY_ALICE, 120 * DAY_S);
  const cases: [string, Partial<Parameters<typeof exception>[0]>, Verdict, RegExp | null][] = [
    ["valid key-less exception covers", {}, "PASS", null],
    ["valid exception naming the key covers", { accessKeyId: KEY_ALICE }, "PASS", null],
    ["expired exception does not cover", { expires: "2026-11-20T00:00:00Z" }, "FAIL", /expired on 2026-11-20T00:00:00Z/],
    ["expiry is exclusive: expires == now does not cover", { expires: "2026-11-25T00:00:00Z" }, "FAIL", /expired on/],
    ["other account does not cover", { account: OTHER_ACCOUNT }, "FAIL", /add an approved exception/],
    ["other user does not cover", { user: "bob" }, "FAIL", /IAM user alice/],
    ["other key does not cover", { accessKeyId: KEY_ALICE_2 }, "FAIL", /\*{16}MPLE/],
  ];
  it.each(cases)("%s", (_name, overrides, verdict, reason) => {
    const d = decide(evidence({ users: aliceWith(old), exceptions: [exception(overrides)] }));
    expect(d.verdict).toBe(verdict);
    if (reason !== null) expect(d.reasons.join("\n")).toMatch(reason);
    expect(d.exceptionsApplied.length).toBe(verdict === "PASS" ? 1 : 0);
  });

  it("a key-less exception covers all of the user's keys and is recorded per key", () => {
    const d = decide(evidence({ users: aliceWith(old, key(KEY_ALICE_2, 100 * DAY_S)), exceptions: [exception()] }));
    expect(d.verdict).toBe("PASS");
    expect(d.exceptionsApplied.map((a) => a.coveredAccessKeyId)).toEqual(["****************MPLE", "****************WXYZ"]);
    expect(d.exceptionsApplied[0]).toMatchObject({ ticket: "SEC-1234", approver: "ciso@example.com", exceptionAccessKeyId: null });
    expect(d.inventory.filter((r) => r.user === "alice").every((r) => r.coveredBy?.ticket === "SEC-1234")).toBe(true);
  });
  it("a key-specific exception leaves the user's other old key failing", () => {
    const d = decide(evidence({ users: aliceWith(old, key(KEY_ALICE_2, 100 * DAY_S)), exceptions: [exception({ accessKeyId: KEY_ALICE })] }));
    expect(d.verdict).toBe("FAIL");
    expect(d.reasons[0]).toContain("****************WXYZ");
  });
  it("a valid exception wins over an expired one for the same key", () => {
    const d = decide(evidence({ users: aliceWith(old), exceptions: [exception({ expires: "2026-11-20T00:00:00Z" }), exception()] }));
    expect(d.verdict).toBe("PASS");
  });
  it("an exception never turns unknown data into PASS", () => {
    const d = decide(evidence({ users: aliceWith(key(KEY_ALICE, null)), exceptions: [exception()] }));
    expect(d.verdict).toBe("INCONCLUSIVE");
  });
});

describe("IAM.3 Security Hub findings", () => {
  const aliceFinding = finding();
  const cases: [string, Iam3Evidence, Verdict, RegExp | null][] = [
    [
      "fresh FAILED, user's keys unreadable: FAIL",
      evidence({ users: ok([user("alice", failed()), user("bob", [key(KEY_BOB, DAY_S)])]), findings: ok([aliceFinding]) }),
      "FAIL",
      /reports IAM user alice and live data cannot contradict it/,
    ],
    ["fresh FAILED, users list unreadable: FAIL", evidence({ users: failed(), findings: ok([aliceFinding]) }), "FAIL", /cannot contradict/],
    [
      "fresh FAILED, key with unknown date: FAIL",
      evidence({ users: aliceWith(key(KEY_ALICE, null)), findings: ok([aliceFinding]) }),
      "FAIL",
      /cannot contradict/,
    ],
    ["FAILED contradicted by live data (rotated): reported, not counted", evidence({ findings: ok([aliceFinding]) }), "PASS", /reported, not counted/],
    [
      "FAILED for a user deleted since: reported, not counted",
      evidence({ users: ok([user("bob", [key(KEY_BOB, DAY_S)])]), findings: ok([aliceFinding]) }),
      "PASS",
      /no longer exists: reported, not counted/,
    ],
    ["stale FAILED (27 h) ignored", evidence({ users: failed(), findings: ok([finding({ updatedAt: "2026-11-23T21:00:00Z", lastObservedAt: "2026-11-23T21:00:00Z" })]) }), "INCONCLUSIVE", null],
    ["fresh by LastObservedAt only counts", evidence({ users: failed(), findings: ok([finding({ updatedAt: "2026-01-01T00:00:00Z" })]) }), "FAIL", null],
    ["ARCHIVED ignored", evidence({ users: failed(), findings: ok([finding({ recordState: "ARCHIVED" })]) }), "INCONCLUSIVE", null],
    ["PASSED ignored", evidence({ users: failed(), findings: ok([finding({ complianceStatus: "PASSED" })]) }), "INCONCLUSIVE", null],
    ["other account ignored", evidence({ users: failed(), findings: ok([finding({ awsAccountId: OTHER_ACCOUNT })]) }), "INCONCLUSIVE", null],
    ["other control (IAM.4) ignored", evidence({ users: failed(), findings: ok([finding({ securityControlId: "IAM.4" })]) }), "INCONCLUSIVE", null],
    ["other product ignored", evidence({ users: failed(), findings: ok([finding({ productName: "Prowler", productArn: "arn:aws:securityhub:us-east-1::product/prowler/prowler" })]) }), "INCONCLUSIVE", null],
    ["Security Hub unreadable: live data decides (PASS)", evidence({ findings: failed("not-enabled", "securityhub:GetFindings") }), "PASS", /live IAM data decides/],
    [
      "covered by a key-less exception: not FAIL (still INCONCLUSIVE: keys unreadable)",
      evidence({ users: ok([user("alice", failed())]), findings: ok([aliceFinding]), exceptions: [exception()] }),
      "INCONCLUSIVE",
      /covered by an approved exception/,
    ],
    [
      "a key-specific exception cannot cover a user-level finding",
      evidence({ users: ok([user("alice", failed())]), findings: ok([aliceFinding]), exceptions: [exception({ accessKeyId: KEY_ALICE })] }),
      "FAIL",
      /cannot contradict/,
    ],
    [
      "expired exception for the finding's user: FAIL saying so",
      evidence({ users: ok([user("alice", failed())]), findings: ok([aliceFinding]), exceptions: [exception({ expires: "2026-11-24T00:00:00Z" })] }),
      "FAIL",
      /expired on 2026-11-24T00:00:00Z/,
    ],
  ];
  it.each(cases)("%s", (_name, e, verdict, reason) => {
    const d = decide(e);
    expect(d.verdict).toBe(verdict);
    if (reason !== null) expect(d.reasons.join("\n")).toMatch(reason);
    expect(d.sources.map((s) => s.name)).toEqual(["iam-access-keys", "security-hub"]);
  });

  const fixture = (name: string, userName: string) => {
    const asff = JSON.parse(readFileSync(join(__dirname, "../fixtures/aws-samples", name), "utf8")) as AsffLike;
    const f = normalizeFinding(asff);
    // Real sample data is from 2021/2022 and another account: move it to this account and make it fresh.
    return { ...f, awsAccountId: ACCOUNT, updatedAt: new Date(NOW_MS - 3600_000).toISOString(), resourceIds: [`arn:aws:iam::${ACCOUNT}:user/${userName}`] };
  };
  it.each([
    ["asff-cis120-rule1.4-iam3-FAILED-asr-simdata.json", "foobarbaz"],
    ["asff-iam3-fsbp-FAILED-asr-simdata.json", "test-admin2"],
  ])("legacy finding %s counts as IAM.3", (file, userName) => {
    const f = fixture(file, userName);
    expect(f.securityControlId).toBeNull();
    const d = decide(evidence({ users: ok([user(userName, failed())]), findings: ok([f]) }));
    expect(d.verdict).toBe("FAIL");
    expect(d.reasons[0]).toContain(`IAM user ${userName}`);
  });
  it("CIS 1.4.0 rule 1.4 (that is IAM.4) does not count as IAM.3", () => {
    const f = finding({ securityControlId: null, generatorId: "arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4" });
    expect(decide(evidence({ users: failed(), findings: ok([f]) })).reasons.join()).not.toMatch(/reports IAM user/);
  });
  it.each([
    "cis-aws-foundations-benchmark/v/1.4.0/1.14",
    "arn:aws-us-gov:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.14",
    "arn:aws-cn:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4",
  ])("legacy generator id %s counts as IAM.3", (generatorId) => {
    const f = finding({ securityControlId: null, generatorId });
    expect(decide(evidence({ users: failed(), findings: ok([f]) })).verdict).toBe("FAIL");
  });
});
