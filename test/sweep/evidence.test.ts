import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
