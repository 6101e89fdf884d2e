/**
 * The acceptance cases, built through the real modules: base = the embedded example
 * organization, head = one change; each diffed as two synth directories and as a plan JSON file.
 */
import { diffGuardrails, loadInputs, renderReport } from "../../gates/diff/index";
import { runDiff } from "../../gates/cli/commands/diff";
import { planFromSynth } from "./fixtures";
import { reordered, synthModules, withoutAction, type ModuleVariant } from "./module-fixtures";

interface AcceptanceCase {
  name: string;
  variant: ModuleVariant;
  exit: 0 | 1;
  /** [classification, exact explanation or substring] that must be among the changes. */
  expected: [string, string][];
}

const CASES: AcceptanceCase[] = [
  { name: "rule parameter 90 → 120", variant: { config: (c) => void (c.awsConfig!.maxAccessKeyAgeDays = 120) }, exit: 1, expected: [["weakened", "maxAccessKeyAge 90 → 120 (relaxed)"]] },
  { name: "rule parameter 90 → 60", variant: { config: (c) => void (c.awsConfig!.maxAccessKeyAgeDays = 60) }, exit: 0, expected: [["strengthened", "maxAccessKeyAge 90 → 60 (tightened)"]] },
  {
    name: "SCP action removed",
    variant: { protectScp: withoutAction("DenyDisablingSecurityHub", "securityhub:DisableSecurityHubV2") },
    exit: 1,
    expected: [["weakened", 'statement "DenyDisablingSecurityHub" no longer denies securityhub:DisableSecurityHubV2']],
  },
  {
    name: "break-glass principal added",
    variant: { config: (c) => void c.scp!.breakGlassPrincipalArns!.push("arn:aws:iam::*:role/Contractor") },
    exit: 1,
    expected: [["weakened", 'statement "DenyDisablingSecurityHub" now exempts aws:PrincipalArn arn:aws:iam::*:role/Contractor (ArnNotLike)']],
  },
  {
    name: "control disabled with reason and expiry",
    variant: { config: (c) => void c.securityHub!.disabledControls!.push({ controlId: "Config.1", reason: "recorders are managed by Control Tower", expires: "2099-06-30" }) },
    exit: 1,
    expected: [["weakened", "control Config.1 disabled: recorders are managed by Control Tower (expires 2099-06-30)"]],
  },
  {
    name: "standard added",
    variant: { config: (c) => void c.securityHub!.cisVersions!.push("3.0.0") },
    exit: 0,
    expected: [["strengthened", "standard added: arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"]],
  },
];

const NO_CHANGE: { name: string; variant: ModuleVariant }[] = [
  { name: "identical synth", variant: {} },
  { name: "SCP statements, keys and lists reordered", variant: { protectScp: reordered } },
];

const baseDir = synthModules();
const heads = new Map<string, string>();
const headFor = (name: string, variant: ModuleVariant): string => {
  if (!heads.has(name)) heads.set(name, synthModules(variant));
  return heads.get(name)!;
};
const silent = { stdout: () => undefined, stderr: () => undefined };

describe.each([
  ["synth directories", (head: string) => [baseDir, head]],
  ["a plan JSON file", (head: string) => [planFromSynth(baseDir, head)]],
] as const)("real modules, diffed as %s", (_kind, inputsFor) => {
  it.each(CASES)("$name", ({ name, variant, exit, expected }) => {
    const paths = inputsFor(headFor(name, variant));
    const { base, head } = loadInputs(paths);
    const report = diffGuardrails(base, head);
    for (const [classification, text] of expected) {
      expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
    }
    expect(report.counts.weakened > 0).toBe(exit === 1);
    const out: string[] = [];
    expect(runDiff(paths, { output: "markdown", allowWeakening: false }, { ...silent, stdout: (t) => out.push(t) })).toBe(exit);
    const markdown = out.join("");
    expect(markdown.split("\n")[0]).toContain(exit === 1 ? "Guardrails WEAKENED" : "No guardrail weakened");
    for (const [, text] of expected) expect(markdown).toContain(text);
  });

  it.each(NO_CHANGE)("no change: $name (exit 0, says so)", ({ name, variant }) => {
    const paths = inputsFor(headFor(name, variant));
    const { base, head } = loadInputs(paths);
    const report = diffGuardrails(base, head);
    expect(report.changes).toEqual([]);
    expect(renderReport(report, "markdown").split("\n")[0]).toContain("No guardrail changes.");
    expect(runDiff(paths, { output: "text", allowWeakening: false }, silent)).toBe(0);
  });
});
