import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDiff } from "../../gates/cli/commands/diff";
import { BASE, synthMini } from "./fixtures";

const dir = mkdtempSync(join(tmpdir(), "guardrails-bad-"));
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const emptyDir = mkdtempSync(join(tmpdir(), "guardrails-empty-"));
const synthDir = synthMini(BASE);

// Fail closed: every uninterpretable input is exit 2 naming the path and why, never "no change".
const BAD: [string, string[], string][] = [
  ["missing path", [join(dir, "nope"), synthDir], "no such file or directory"],
  ["directory without manifest", [emptyDir, synthDir], "no manifest.json"],
  ["not JSON", [file("plain.txt", "hello")], "not JSON"],
  ["JSON without format_version", [file("state.json", "{}")], "no format_version"],
  ["unsupported major", [file("v2.json", JSON.stringify({ format_version: "2.0", resource_changes: [] }))], 'unsupported plan format_version "2.0"'],
  ["state, not plan", [file("show.json", JSON.stringify({ format_version: "1.0", values: {} }))], "no resource_changes"],
  ["SCP content not JSON", [file("expr.json", JSON.stringify({ format_version: "1.2", resource_changes: [
    { address: "aws_organizations_policy.p", mode: "managed", type: "aws_organizations_policy", name: "p", change: { actions: ["update"], before: { name: "p", content: "{}" }, after: { name: "p", content: "${file(\"x\")}" } } },
  ] }))], "content: policy document is not JSON"],
  ["one synth directory", [synthDir], "needs a second one"],
];

describe("bad input exits 2 with the path and the reason", () => {
  it.each(BAD)("%s", (_name, paths, reason) => {
    const err: string[] = [];
    const out: string[] = [];
    expect(runDiff(paths, { output: "markdown", allowWeakening: true }, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toContain(reason);
    expect(err.join("")).toContain(paths[0]!);
    expect(out).toEqual([]);
  });
});

describe("plan with values unknown until apply", () => {
  it("is accepted and says so", () => {
    const plan = file("unknown.json", JSON.stringify({ format_version: "1.2", resource_changes: [
      { address: "aws_organizations_policy.p", mode: "managed", type: "aws_organizations_policy", name: "p", change: { actions: ["create"], before: null, after: { name: "p", content: "{\"Statement\":[]}" }, after_unknown: { id: true, arn: true } } },
      { address: "aws_organizations_policy_attachment.a", mode: "managed", type: "aws_organizations_policy_attachment", name: "a", change: { actions: ["create"], before: null, after: { target_id: "r-1" }, after_unknown: { policy_id: true, id: true } } },
    ] }));
    const out: string[] = [];
    expect(runDiff([plan], { output: "text", allowWeakening: false }, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(0);
    expect(out.join("")).toContain("known only after apply");
    expect(out.join("")).toContain("SCP attached to target");
  });
});

describe("two plan files", () => {
  it("compares the planned after-state of base against that of head", () => {
    const plan = (age: string) =>
      file(`plan-${age}.json`, JSON.stringify({ format_version: "1.2", resource_changes: [
        { address: "aws_config_organization_managed_rule.r", mode: "managed", type: "aws_config_organization_managed_rule", name: "r", change: { actions: ["create"], before: null, after: { name: "rotated", rule_identifier: "ACCESS_KEYS_ROTATED", input_parameters: JSON.stringify({ maxAccessKeyAge: age }) } } },
      ] }));
    const out: string[] = [];
    expect(runDiff([plan("120"), plan("90")], { output: "text", allowWeakening: false }, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(0);
    expect(out.join("")).toContain("maxAccessKeyAge 120 → 90 (tightened)");
  });
});
