import { INTERRUPTED_REASON, sweepOrganization, type SweepDeps } from "../../gates/sweep";
import type { Marked, Verdict } from "../../gates/types";
import { accountIds, listingOf, tick, verdictFor } from "./helpers";

const ids = accountIds(12);
const verdictOf = (id: string): Verdict => (id.endsWith("3") ? "FAIL" : id.endsWith("5") ? "INCONCLUSIVE" : "PASS");

function deps(overrides: Partial<SweepDeps<string>> = {}): SweepDeps<string> {
  return {
    listAccounts: async () => listingOf(ids),
    requestCredentialReport: async (a) => `session-${a.id}`,
    checkAccount: async (a) => {
      await tick(1);
      return verdictFor(a.id, verdictOf(a.id));
    },
    ...overrides,
  };
}

describe("sweepOrganization", () => {
  it("checks every account, keeps listing order, and exits with the worst account's code", async () => {
    const r = await sweepOrganization(deps(), { concurrency: 3 });
    expect(r.accounts.map((a) => a.accountId)).toEqual(ids);
    expect(r.summary).toEqual({ accounts: 12, pass: 10, fail: 1, inconclusive: 1, skipped: 0, verdict: "FAIL", errors: [] });
    expect(r.exitCode).toBe(1);
    expect(r.interrupted).toBe(false);
  });

  it("exits 3 when the worst is INCONCLUSIVE and 0 when all pass", async () => {
    const inconclusive = await sweepOrganization(deps({ checkAccount: async (a) => verdictFor(a.id, a.id.endsWith("5") ? "INCONCLUSIVE" : "PASS") }));
    expect(inconclusive.exitCode).toBe(3);
    const pass = await sweepOrganization(deps({ checkAccount: async (a) => verdictFor(a.id, "PASS") }));
    expect(pass.exitCode).toBe(0);
  });

  it("turns a throwing check into INCONCLUSIVE for that account only, with the reason", async () => {
    const r = await sweepOrganization(
      deps({
        checkAccount: async (a) => {
          if (a.id === ids[4]) throw new Error("socket hang up");
          return verdictFor(a.id, "PASS");
        },
      }),
    );
    const broken = r.accounts[4];
    expect(broken?.verdict).toBe("INCONCLUSIVE");
    expect(broken?.productionReady).toBe(false);
    expect(broken?.controls.find((c) => c.id === "IAM.4")?.reasons[0]).toContain("socket hang up");
    expect(r.accounts.filter((a) => a.verdict === "PASS")).toHaveLength(11);
    expect(r.exitCode).toBe(3);
  });

  it("an account whose check never settles is INCONCLUSIVE after the watchdog, the others finish", async () => {
    const r = await sweepOrganization(
      deps({ checkAccount: (a) => (a.id === ids[0] ? new Promise(() => undefined) : Promise.resolve(verdictFor(a.id, "PASS"))) }),
      { accountWatchdogMs: 50, concurrency: 2 },
    );
    expect(r.accounts[0]?.verdict).toBe("INCONCLUSIVE");
    expect(r.accounts[0]?.controls[0]?.reasons[0]).toContain("did not finish within 50 ms");
    expect(r.summary.pass).toBe(11);
  });

  it("on interruption returns a partial summary: unchecked accounts are INCONCLUSIVE 'not checked: interrupted', exit 3", async () => {
    const controller = new AbortController();
    let done = 0;
    const r = await sweepOrganization(
      deps({
        checkAccount: async (a) => {
          await tick(2);
          return verdictFor(a.id, "PASS");
        },
      }),
      {
        concurrency: 2,
        signal: controller.signal,
        onAccountDone: () => {
          if (++done === 4) controller.abort();
        },
      },
    );
    expect(r.interrupted).toBe(true);
    expect(r.accounts).toHaveLength(12);
    const pass = r.accounts.filter((a) => a.verdict === "PASS").length;
    expect(pass).toBeGreaterThanOrEqual(4);
    expect(pass).toBeLessThan(12);
    const notChecked = r.accounts.filter((a) => a.verdict !== "PASS");
    expect(notChecked.every((a) => a.verdict === "INCONCLUSIVE" && a.controls.every((c) => c.reasons[0] === INTERRUPTED_REASON))).toBe(true);
    expect(r.exitCode).toBe(3);
  });

  it("fails closed when the accounts cannot be listed: nothing is PASS, exit 3", async () => {
    const r = await sweepOrganization(deps({ listAccounts: async () => Promise.reject(new Error("AccessDeniedException")) }));
    expect(r.accounts).toEqual([]);
    expect(r.summary.verdict).toBe("INCONCLUSIVE");
    expect(r.exitCode).toBe(3);
    expect(r.listingError).toContain("AccessDeniedException");
  });

  it("--revoke removes the ready tag from every account that is not PASS, and only from those", async () => {
    const revoked: string[] = [];
    const marked: Marked = { tag: "guardrails:production-ready", value: "", changed: true };
    const r = await sweepOrganization(
      deps({
        revokeReadyTag: async (accountId) => {
          revoked.push(accountId);
          return marked;
        },
      }),
      { revoke: true },
    );
    const notPass = r.accounts.filter((a) => a.verdict !== "PASS").map((a) => a.accountId);
    expect(revoked.sort()).toEqual(notPass.sort());
    expect(r.accounts.filter((a) => a.verdict === "PASS").every((a) => a.marked === null)).toBe(true);
    expect(r.accounts.filter((a) => a.verdict !== "PASS").every((a) => a.marked?.changed === true)).toBe(true);
  });

  it("a failed --revoke keeps the verdict and says the tag may still be there", async () => {
    const r = await sweepOrganization(deps({ revokeReadyTag: async () => Promise.reject(new Error("TooManyRequestsException")) }), { revoke: true });
    const failed = r.accounts.find((a) => a.verdict === "FAIL");
    expect(failed?.marked?.changed).toBe(false);
    expect(failed?.controls[0]?.reasons.join(" ")).toContain("could not remove");
  });

  it("requests credential reports ahead of the checks (bounded lookahead) and hands the session to the check", async () => {
    const events: string[] = [];
    const released: string[] = [];
    const r = await sweepOrganization(
      deps({
        requestCredentialReport: async (a) => {
          events.push(`request ${a.id}`);
          return `session-${a.id}`;
        },
        checkAccount: async (a, prepared) => {
          events.push(`check ${a.id}`);
          expect(prepared).toBe(`session-${a.id}`);
          await tick(1);
          return verdictFor(a.id, "PASS");
        },
        release: (p) => released.push(p),
      }),
      { concurrency: 1, reportLookahead: 3 },
    );
    expect(r.exitCode).toBe(0);
    // Every account's report was requested before its check.
    for (const id of ids) expect(events.indexOf(`request ${id}`)).toBeLessThan(events.indexOf(`check ${id}`));
    // Never more than 3 ahead of the account being checked.
    const ahead = events.map((_, i) => events.slice(0, i + 1).filter((e) => e.startsWith("request")).length - events.slice(0, i + 1).filter((e) => e.startsWith("check")).length);
    expect(Math.max(...ahead)).toBeLessThanOrEqual(3 + 1);
    expect(released.sort()).toEqual(ids.map((id) => `session-${id}`).sort());
  });

  it("a failed report request does not fail the account (the check regenerates)", async () => {
    const r = await sweepOrganization(
      deps({ requestCredentialReport: async () => Promise.reject(new Error("Throttling")), checkAccount: async (a, p) => verdictFor(a.id, p === undefined ? "PASS" : "FAIL") }),
    );
    expect(r.exitCode).toBe(0);
  });
});

describe("sweepOrganization evidence", () => {
  it("records evidence after --revoke so the bundle holds the final marking", async () => {
    const seen: (string | null)[] = [];
    const r = await sweepOrganization(
      deps({
        revokeReadyTag: async () => ({ tag: "guardrails:production-ready", value: "", changed: true }),
        recordEvidence: async (_a, v) => {
          seen.push(v.marked === null ? null : String(v.marked.changed));
          return { ...v, evidence: { path: `${v.accountId}.json`, sha256: "0".repeat(64) } };
        },
      }),
      { revoke: true },
    );
    expect(seen.filter((x) => x === "true")).toHaveLength(2);
    expect(r.accounts.every((a) => a.evidence?.path === `${a.accountId}.json`)).toBe(true);
  });
});

it("on interruption every session opened for a report request is released, checked or not", async () => {
  const controller = new AbortController();
  const opened: string[] = [];
  const released: string[] = [];
  let done = 0;
  await sweepOrganization(
    deps({
      requestCredentialReport: async (a) => {
        opened.push(a.id);
        return a.id;
      },
      checkAccount: async (a) => {
        await tick(2);
        return verdictFor(a.id, "PASS");
      },
      release: (p) => released.push(p),
    }),
    { concurrency: 2, reportLookahead: 4, signal: controller.signal, onAccountDone: () => void (++done === 3 && controller.abort()) },
  );
  await tick(20); // in-flight checks finish and release after the partial result is returned
  expect(opened.length).toBeLessThan(ids.length);
  expect(released.sort()).toEqual(opened.sort());
});

describe("sweepOrganization while listing and while findings are read", () => {
  it("checks the first accounts while the rest are still being listed", async () => {
    const events: string[] = [];
    let secondPage!: () => void;
    const listingGoesOn = new Promise<void>((resolve) => (secondPage = resolve));
    const r = await sweepOrganization(
      deps({
        listAccounts: async (_signal, onPage) => {
          onPage(listingOf(ids.slice(0, 4)));
          events.push("page 1");
          await listingGoesOn;
          events.push("page 2");
          onPage(listingOf(ids.slice(4)));
          return listingOf(ids);
        },
        checkAccount: async (a) => {
          events.push(`check ${a.id}`);
          secondPage();
          await tick(1);
          return verdictFor(a.id, "PASS");
        },
      }),
      { concurrency: 2 },
    );
    expect(events.indexOf(`check ${ids[0]}`)).toBeLessThan(events.indexOf("page 2"));
    expect(r.accounts.map((a) => a.accountId)).toEqual(ids);
    expect(r.summary.pass).toBe(12);
  });

  it("a check waiting for the findings read parks: its worker takes the next account, within the parking budget", async () => {
    let inFlight = 0;
    let peakInFlight = 0;
    let findingsRead!: () => void;
    const findings = new Promise<void>((resolve) => (findingsRead = resolve));
    const r = await sweepOrganization(
      deps({
        checkAccount: async (a, _p, _s, slot) => {
          peakInFlight = Math.max(peakInFlight, ++inFlight);
          // Own reads done: wait for the organization-wide read. It ends once 7 accounts are waiting:
          // 5 parked (the budget holds 5 × 1,000 bytes) and the 2 workers.
          slot.park(1_000);
          if (inFlight === 7) findingsRead();
          await findings;
          await slot.resume();
          inFlight--;
          return verdictFor(a.id, "PASS");
        },
      }),
      { concurrency: 2, parkingBudgetBytes: 5_000 },
    );
    expect(r.summary.pass).toBe(12);
    expect(r.stats.peakParkedAccounts).toBe(5);
    expect(peakInFlight).toBe(7);
  });
});

it("a listing that fails after its first page: the accounts listed are checked, the sweep says the listing failed and proves nothing (exit 3)", async () => {
  const r = await sweepOrganization(
    deps({
      listAccounts: async (_signal, onPage) => {
        onPage(listingOf(ids.slice(0, 3)));
        await tick(5);
        throw new Error("TooManyRequestsException");
      },
      checkAccount: async (a) => verdictFor(a.id, "PASS"),
    }),
  );
  expect(r.accounts.map((a) => a.verdict)).toEqual(["PASS", "PASS", "PASS"]);
  expect(r.listingError).toContain("TooManyRequestsException");
  expect(r.summary.errors).toEqual([{ kind: "list-accounts", accountId: null, reason: r.listingError }]);
  expect(r.summary.verdict).toBe("INCONCLUSIVE");
  expect(r.exitCode).toBe(3);
});
