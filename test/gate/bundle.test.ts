import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { decideIam4 } from "../../gates/decide/iam4";
import {
  buildBundle,
  buildIndex,
  canonicalBundle,
  configDigest,
  renderBundleMarkdown,
  verifyBundleFile,
  writeBundle,
  writeIndex,
  type AppliedExceptionRecord,
  type EvidenceBundle,
} from "../../gates/evidence/bundle";
import { canonicalJson, digestWithoutField } from "../../gates/evidence/digest";
import type { AccountVerdict, Iam4Evidence } from "../../gates/types";
import { ACCOUNT, FSBP_IAM3, NOW, finding, passingEvidence } from "./helpers";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const exception: AppliedExceptionRecord = {
  control: "IAM.3",
  account: ACCOUNT,
  user: "ci-deployer",
  accessKeyId: KEY_ID,
  reason: `legacy integration still uses ${KEY_ID}`,
  approver: "security-lead@example.com",
  ticket: "SEC-42",
  approvedAt: "2026-11-01T00:00:00Z",
  expires: "2026-12-01T00:00:00Z",
};

function verdictFor(evidence: Iam4Evidence, accountId = ACCOUNT): AccountVerdict {
  const iam4 = { ...decideIam4(evidence), required: true };
  return {
    schemaVersion: 1,
    accountId,
    checkedAt: NOW,
    verdict: iam4.verdict,
    productionReady: iam4.verdict === "PASS",
    controls: [iam4],
    marked: null,
    evidence: null,
  };
}

function sampleBundle(accountId = ACCOUNT): EvidenceBundle {
  const evidence = passingEvidence({ accountId: ACCOUNT });
  const v = verdictFor(evidence);
  return buildBundle({
    verdict: { ...v, accountId },
    iam4: evidence,
    findings: [finding(FSBP_IAM3, { awsAccountId: ACCOUNT })],
    exceptionsApplied: [exception],
    config: { homeRegion: "us-west-2", require: ["IAM.4"] },
  });
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "gate-bundle-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("buildBundle", () => {
  const b = sampleBundle();
  it("holds verdict, sources with when/where, root row, summary value, findings, exceptions, version, config digest", () => {
    expect(b.verdict).toBe("PASS");
    expect(b.gate).toEqual({ name: "cis-guardrails", version: "0.1.0" });
    expect(b.configDigest).toBe(configDigest({ require: ["IAM.4"], homeRegion: "us-west-2" })); // key order irrelevant
    expect(b.controls[0]?.sources.map((s) => [s.name, s.accountId, s.region, s.observedAt])).toEqual([
      ["account-summary", ACCOUNT, "us-west-2", NOW],
      ["credential-report", ACCOUNT, "us-west-2", NOW],
      ["security-hub", ACCOUNT, "us-west-2", NOW],
      // Whether Security Hub was enabled in the account (DescribeHub), recorded as a source of its own.
      ["security-hub-enabled", ACCOUNT, "us-west-2", NOW],
    ]);
    expect(b.controls[0]?.sources[3]?.summary).toBe("enabled since 2024-01-15T10:00:00.000Z, ControlFindingGenerator SECURITY_CONTROL");
    expect(b.accountSummary?.accountAccessKeysPresent).toBe(0);
    expect(b.rootRow?.reportGeneratedAt).toBe("2026-11-22T09:00:00Z");
    expect(b.rootRow?.fields?.["access_key_1_active"]).toBe("false");
    expect(b.rootRow?.fields?.["arn"]).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(b.findings.map((f) => [f.securityControlId ?? f.generatorId, f.complianceStatus])).toEqual([
      ["IAM.4", "PASSED"],
      ["aws-foundational-security-best-practices/v/1.0.0/IAM.3", "FAILED"],
    ]);
    expect(b.findings[0]?.updatedAt).toBe("2026-11-22T08:00:00.000Z");
    expect(b.exceptionsApplied[0]?.approver).toBe("security-lead@example.com");
    expect(b.sha256).toBe(digestWithoutField(b));
  });
  it("masks every access key id (no 16+ char id survives anywhere)", () => {
    const text = canonicalBundle(b) + renderBundleMarkdown(b);
    expect(text).not.toMatch(/(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}/);
    expect(b.exceptionsApplied[0]?.accessKeyId).toBe("****************MPLE");
    expect(b.exceptionsApplied[0]?.reason).toBe("legacy integration still uses ****************MPLE");
    // The FSBP IAM.3 fixture carries a real-looking user id (AIDACKCEVSQ6C2EXAMPLE) nowhere we record; make sure.
    expect(text).not.toContain("AIDACKCEVSQ6C2EXAMPLE");
  });
  it("records an unreadable report and its reason instead of dropping it", () => {
    const evidence = passingEvidence({ credentialReport: { ok: false, kind: "timeout", message: "deadline", accountId: ACCOUNT, region: "us-east-1", api: "iam:GetCredentialReport", observedAt: NOW } });
    const bundle = buildBundle({ verdict: verdictFor(evidence), iam4: evidence, config: null });
    expect(bundle.rootRow).toMatchObject({ fields: null, problem: "timeout: deadline", api: "iam:GetCredentialReport" });
    expect(bundle.configDigest).toBeNull();
    expect(bundle.verdict).toBe("INCONCLUSIVE");
  });
});

describe("writeBundle / verifyBundleFile", () => {
  it("round trips: canonical file, digest recomputes, Markdown alongside", async () => {
    const b = sampleBundle();
    const written = await writeBundle(dir, b);
    expect(basename(written.jsonPath)).toBe(`guardrails-evidence-${ACCOUNT}-2026-11-22T10-00-00Z.json`);
    expect(basename(written.markdownPath)).toBe(`guardrails-evidence-${ACCOUNT}-2026-11-22T10-00-00Z.md`);
    const content = readFileSync(written.jsonPath, "utf8");
    expect(content).toBe(canonicalBundle(b) + "\n");
    expect(JSON.parse(content)).toEqual(b);
    expect(verifyBundleFile(written.jsonPath)).toEqual({ ok: true, errors: [], kind: "bundle", sha256: b.sha256 });
    const md = readFileSync(written.markdownPath, "utf8");
    expect(md).toContain("Verdict: **PASS**");
    // Escaped so that GitHub shows the names as written (no emphasis, no swallowed <root_account> tag).
    expect(md).toContain("| access\\_key\\_1\\_last\\_rotated | N/A |");
    expect(md).toContain("| user | &lt;root\\_account&gt; |");
    expect(md).toContain("security-lead@example.com");
    expect(written.sha256).toBe(b.sha256);
  });

  it("detects a change of any single character", async () => {
    const { jsonPath } = await writeBundle(dir, sampleBundle());
    const original = readFileSync(jsonPath, "utf8").replace(/\n$/, "");
    let checked = 0;
    for (let i = 0; i < original.length; i += 7) {
      const ch = original[i] ?? "";
      const replacement = ch === "a" ? "b" : ch === "0" ? "1" : ch === "1" ? "2" : "a";
      writeFileSync(jsonPath, original.slice(0, i) + replacement + original.slice(i + 1));
      const result = verifyBundleFile(jsonPath);
      if (result.ok) throw new Error(`change at ${i} (${ch} -> ${replacement}) was not detected`);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("names the problem: digest mismatch after an edit", async () => {
    const { jsonPath } = await writeBundle(dir, sampleBundle());
    writeFileSync(jsonPath, readFileSync(jsonPath, "utf8").replace('"verdict":"PASS"', '"verdict":"FAIL"'));
    const result = verifyBundleFile(jsonPath);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("digest mismatch");
  });

  it("rejects a schema violation even with a correct digest", () => {
    const { exceptionsApplied: _dropped, ...rest } = sampleBundle();
    void _dropped;
    const path = join(dir, "b.json");
    const resigned = { ...rest, sha256: digestWithoutField(rest) };
    writeFileSync(path, canonicalJson(resigned));
    const result = verifyBundleFile(path);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("schema: exceptionsApplied");
  });

  it("rejects an unmasked key id even with a correct digest", () => {
    const b = sampleBundle();
    const { sha256: _old, ...rest } = { ...b, exceptionsApplied: [{ ...exception }] };
    void _old;
    const path = join(dir, "b.json");
    writeFileSync(path, canonicalJson({ ...rest, sha256: digestWithoutField(rest) }));
    expect(verifyBundleFile(path).errors.join("\n")).toContain("unmasked access key id");
  });

  it("reports unreadable and non-JSON files", () => {
    expect(verifyBundleFile(join(dir, "nope.json")).ok).toBe(false);
    writeFileSync(join(dir, "x.json"), "{not json");
    expect(verifyBundleFile(join(dir, "x.json")).errors[0]).toContain("not JSON");
  });
});

describe("evidence index", () => {
  async function writeTwo() {
    const a = await writeBundle(dir, sampleBundle(ACCOUNT));
    const b2 = sampleBundle("444455556666");
    const b = await writeBundle(dir, b2);
    const index = buildIndex(
      [
        { accountId: ACCOUNT, verdict: "PASS", checkedAt: NOW, sha256: a.sha256, path: basename(a.jsonPath) },
        { accountId: "444455556666", verdict: "PASS", checkedAt: NOW, sha256: b.sha256, path: basename(b.jsonPath) },
      ],
      "2026-11-22T10:05:00Z",
    );
    const written = await writeIndex(dir, index);
    return { a, b, index, indexPath: written.path };
  }

  it("verifies an index and every bundle it names", async () => {
    const { index, indexPath } = await writeTwo();
    expect(basename(indexPath)).toBe("guardrails-evidence-index-2026-11-22T10-05-00Z.json");
    expect(index.sha256).toBe(digestWithoutField(index));
    expect(verifyBundleFile(indexPath)).toEqual({ ok: true, errors: [], kind: "index", sha256: index.sha256 });
  });

  it("fails when a named bundle is missing", async () => {
    const { a, indexPath } = await writeTwo();
    unlinkSync(a.jsonPath);
    const result = verifyBundleFile(indexPath);
    expect(result).toMatchObject({ ok: false, kind: "index" });
    expect(result.errors.join("\n")).toContain("bundle file is missing");
  });

  it("fails when a named bundle was altered, even if re-signed", async () => {
    const { b, indexPath } = await writeTwo();
    const original = JSON.parse(readFileSync(b.jsonPath, "utf8")) as EvidenceBundle;
    const { sha256: _old, ...rest } = { ...original, verdict: "FAIL" as const };
    void _old;
    writeFileSync(b.jsonPath, canonicalJson({ ...rest, sha256: digestWithoutField(rest) }) + "\n");
    expect(verifyBundleFile(b.jsonPath).ok).toBe(true); // the bundle alone is consistent...
    const errors = verifyBundleFile(indexPath).errors.join("\n");
    expect(errors).toContain("differs from the index's"); // ...but no longer the one the index proves
  });

  it("fails when the index itself was edited", async () => {
    const { indexPath } = await writeTwo();
    writeFileSync(indexPath, readFileSync(indexPath, "utf8").replace('"verdict":"PASS"', '"verdict":"FAIL"'));
    expect(verifyBundleFile(indexPath).errors.join("\n")).toContain("digest mismatch");
  });
});
