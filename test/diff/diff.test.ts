import { diffGuardrails, loadInputs, renderReport } from "../../gates/diff/index";
import { runDiff } from "../../gates/cli/commands/diff";
import { BASE, planFromSynth, synthMini, type MiniConfig } from "./fixtures";

interface Case {
  name: string;
  head: Partial<MiniConfig>;
  exit: number;
  /** [classification, substring of the explanation] that must appear. */
  expect: [string, string][];
}

const CASES: Case[] = [
  { name: "rule parameter 90 → 120", head: { maxAccessKeyAge: "120" }, exit: 1, expect: [["weakened", "maxAccessKeyAge 90 → 120"]] },
  { name: "rule parameter tightened 90 → 60", head: { maxAccessKeyAge: "60" }, exit: 0, expect: [["strengthened", "maxAccessKeyAge 90 → 60"]] },
  { name: "SCP action removed", head: { scpActions: BASE.scpActions.slice(1) }, exit: 1, expect: [["weakened", "no longer denies securityhub:DisableSecurityHub"]] },
  { name: "SCP action replaced by a covering wildcard", head: { scpActions: ["securityhub:Disable*", "securityhub:BatchDisableStandards", "config:StopConfigurationRecorder"] }, exit: 0, expect: [["strengthened", "now also denies securityhub:Disable*"]] },
  { name: "break-glass principal added", head: { breakGlass: [...BASE.breakGlass, "arn:aws:iam::*:role/Contractor"] }, exit: 1, expect: [["weakened", "now exempts aws:PrincipalArn arn:aws:iam::*:role/Contractor"]] },
  {
    name: "control disabled with reason and expiry",
    head: { disabledControls: [{ controlId: "CloudTrail.7", reason: "logging bucket owned by another team", expires: "2027-01-31" }] },
    exit: 1,
    expect: [["weakened", "control CloudTrail.7 disabled: logging bucket owned by another team (expires 2027-01-31)"]],
  },
  { name: "standard added", head: { standards: [...BASE.standards, "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0"] }, exit: 0, expect: [["strengthened", "standard added: arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0"]] },
];

const NO_CHANGE: { name: string; head: Partial<MiniConfig> }[] = [
  { name: "identical", head: {} },
  { name: "SCP statements and keys reordered", head: { reorder: true } },
  { name: "construct ids renamed", head: { idSuffix: "-renamed" } },
];

const baseDir = synthMini(BASE);

describe.each([
  ["synth directories", (headDir: string) => [baseDir, headDir]],
  ["plan JSON", (headDir: string) => [planFromSynth(baseDir, headDir)]],
] as const)("guardrails diff through %s", (_kind, inputs) => {
  it.each(CASES)("$name", ({ head, exit, expect: expected }) => {
    const paths = inputs(synthMini({ ...BASE, ...head }));
    const { base, head: headSet } = loadInputs(paths);
    const report = diffGuardrails(base, headSet);
    for (const [classification, text] of expected) {
      expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
    }
    if (exit === 0) expect(report.counts.weakened).toBe(0);
    const out: string[] = [];
    expect(runDiff(paths, { output: "markdown", allowWeakening: false }, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(exit);
    // Weakenings come first, right after the verdict line.
    if (exit === 1) expect(out.join("").split("\n")[0]).toContain("Guardrails WEAKENED");
  });

  it.each(NO_CHANGE)("no change: $name (exit 0, says so)", ({ head }) => {
    const paths = inputs(synthMini({ ...BASE, ...head }));
    const { base, head: headSet } = loadInputs(paths);
    const report = diffGuardrails(base, headSet);
    expect(report.changes).toEqual([]);
    expect(report.verdict).toBe("unchanged");
    expect(renderReport(report, "markdown")).toContain("No guardrail changes.");
    expect(runDiff(paths, { output: "text", allowWeakening: false }, { stdout: () => undefined, stderr: () => undefined })).toBe(0);
  });
});

describe("--allow-weakening", () => {
  it("exits 0 on a weakening but still reports it", () => {
    const paths = [baseDir, synthMini({ ...BASE, maxAccessKeyAge: "120" })];
    const out: string[] = [];
    expect(runDiff(paths, { output: "json", allowWeakening: true }, { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    expect(JSON.parse(out.join("")).counts.weakened).toBe(1);
  });
});

describe("disabled control reason from the modules' structured annotation", () => {
  it("shows reason and expiry recorded in the cdktf comment", () => {
    const head = synthMini({ ...BASE, disabledControls: [{ controlId: "Config.1", reason: "recorders managed by Control Tower", expires: "2027-06-30" }], annotateDisables: true });
    const { base, head: headSet } = loadInputs([baseDir, head]);
    expect(diffGuardrails(base, headSet).changes).toContainEqual(
      expect.objectContaining({ classification: "weakened", explanation: "control Config.1 disabled: recorders managed by Control Tower (expires 2027-06-30)" }),
    );
  });
});
