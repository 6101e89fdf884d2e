import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { IndexStream, buildIndex, writeIndex } from "../../gates/evidence/index-file";
import { canonicalJson, digestWithoutField } from "../../gates/evidence/digest";
import { verifyBundleFile } from "../../gates/evidence/verify";
import { notCheckedVerdict } from "../../gates/sweep";
import { writeSweepEvidence } from "../../gates/sweep/evidence";
import { verdictFor } from "./helpers";

describe("writeSweepEvidence", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "sweep-evidence-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a bundle for every account (not-checked ones included) and an index that verify accepts", async () => {
    const accounts = [verdictFor("100000000001", "PASS"), notCheckedVerdict("100000000002", "not checked: interrupted", ["IAM.4"], new Date("2026-11-22T10:00:00Z"))];
    const r = await writeSweepEvidence(accounts, dir, "2026-11-22T10:05:00.000Z");
    expect(r.accounts.every((a) => a.evidence !== null)).toBe(true);
    const index = JSON.parse(readFileSync(r.index.path, "utf8")) as { entries: { accountId: string; verdict: string; path: string }[]; sha256: string };
    expect(index.entries.map((e) => [e.accountId, e.verdict])).toEqual([["100000000001", "PASS"], ["100000000002", "INCONCLUSIVE"]]);
    expect(index.entries.every((e) => !e.path.startsWith("/"))).toBe(true);
    expect(index.sha256).toBe(r.index.sha256);
    const verified = verifyBundleFile(r.index.path);
    expect(verified).toMatchObject({ ok: true, kind: "index" });

    // Tampering with one bundle is caught through the index.
    const bundlePath = r.accounts[1]?.evidence?.path as string;
    writeFileSync(bundlePath, readFileSync(bundlePath, "utf8").replace("INCONCLUSIVE", "PASS"));
    expect(verifyBundleFile(r.index.path).ok).toBe(false);
  });

  it("records skipped accounts and errors in the index; removing them is caught; an index written before they existed still verifies", async () => {
    const skipped = [{ accountId: "100000000009", status: "SUSPENDED", marked: null, reasons: [] }];
    const errors = [{ kind: "revoke" as const, accountId: "100000000009", reason: "denied" }];
    const r = await writeSweepEvidence([verdictFor("100000000001", "PASS")], dir, "2026-11-22T10:05:00.000Z", undefined, { skipped, errors });
    const index = JSON.parse(readFileSync(r.index.path, "utf8")) as Record<string, unknown>;
    expect(index["skipped"]).toEqual(skipped);
    expect(index["errors"]).toEqual(errors);
    expect(verifyBundleFile(r.index.path).ok).toBe(true);

    const { skipped: _s, errors: _e, ...withoutThem } = index;
    writeFileSync(r.index.path, canonicalJson(withoutThem) + "\n");
    expect(verifyBundleFile(r.index.path).errors.join(" ")).toMatch(/digest mismatch/);
    // The format before skipped/errors existed: same fields, its own digest.
    const { sha256: _d, ...older } = withoutThem;
    writeFileSync(r.index.path, canonicalJson({ ...older, sha256: digestWithoutField(older) }) + "\n");
    expect(verifyBundleFile(r.index.path)).toMatchObject({ ok: true, kind: "index" });
  });
});

describe("IndexStream", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "sweep-index-stream-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes, entry by entry, the very bytes (and digest) of the index built at once, under its final name only when closed", async () => {
    const entries = ["100000000001", "100000000002", "100000000003"].map((accountId, i) => ({
      accountId,
      verdict: (["PASS", "FAIL", "INCONCLUSIVE"] as const)[i] as "PASS" | "FAIL" | "INCONCLUSIVE",
      checkedAt: `2026-11-22T10:0${i}:00.000Z`,
      sha256: String(i).repeat(64),
      // A key id in a path is masked in both forms alike.
      path: i === 1 ? "AKIAIOSFODNN7EXAMPLE.json" : `b${i}.json`,
    }));
    const extras = { skipped: [{ accountId: "100000000009", status: "SUSPENDED", marked: null, reasons: [] }], errors: [{ kind: "revoke" as const, accountId: null, reason: "denied" }] };
    const stream = await IndexStream.open(join(dir, "streamed"));
    for (const e of entries) await stream.append(e);
    expect(readdirSync(join(dir, "streamed")).filter((f) => f.endsWith(".json"))).toEqual([]);
    const streamed = await stream.close("2026-11-22T10:05:00.000Z", extras);
    const whole = await writeIndex(join(dir, "whole"), buildIndex(entries, "2026-11-22T10:05:00.000Z", extras));
    expect(readFileSync(streamed.path, "utf8")).toBe(readFileSync(whole.path, "utf8"));
    expect(streamed.sha256).toBe(whole.sha256);
    expect(readdirSync(join(dir, "streamed"))).toEqual([basename(whole.path)]);

    const empty = await IndexStream.open(join(dir, "empty"));
    const none = await empty.close("2026-11-22T10:05:00.000Z");
    expect(readFileSync(none.path, "utf8")).toBe(readFileSync((await writeIndex(join(dir, "empty2"), buildIndex([], "2026-11-22T10:05:00.000Z"))).path, "utf8"));
  });
});
