import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runDiff } from "../../gates/cli/commands/diff";
import { BASE, synthMini } from "./fixtures";
import { scratchDir } from "./scratch";

const dir = scratchDir("bad-");
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const emptyDir = scratchDir("empty-");
const synthDir = synthMini(BASE);

// Fail closed: every uninterpretable input is exit 2 naming the path and why, never "no change".
const BAD: [string, string[], string][] = [
  ["missing path", [join(dir, "nope"), synthDir], "no such file or directory"],
  ["directory without manifest", [emptyDir, synthDir], "no manifest.json"],
  ["not JSON", [file("plain.txt", "hello")], "not JSON"],
  ["JSON without format_version", [file("state.json", "{}")], "no format_version"],
  ["unsupported major", [file("v2.json", JSON.stringify({ format_version: "2.0", resource_changes: [] }))], 'unsupported plan format_version "2.0"'],
  ["state, not plan", [file("show.json", JSON.stringify({ format_version: "1.0", values: {} }))], "neither planned_values nor resource_changes"],
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

/**
 * Plans as Terraform writes them: empty fields are omitted (Go `omitempty` in hashicorp/terraform
 * internal/command/jsonplan/plan.go and hashicorp/terraform-json plan.go), so a plan with no resource
 * instance has no `resource_changes` at all, while `planned_values` is always written.
 */
describe("plans with empty fields omitted", () => {
  // What `terraform show -json` prints for a configuration with no resources (Terraform 1.11).
  const emptyPlan = { format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} }, configuration: { root_module: {} }, timestamp: "2026-11-23T10:00:00Z", applyable: false, complete: true, errored: false };

  it.each(["text", "markdown", "json"] as const)("no resource_changes: no guardrail change, exit 0 (%s)", (output) => {
    const out: string[] = [];
    const err: string[] = [];
    expect(runDiff([file(`empty-${output}.json`, JSON.stringify(emptyPlan))], { output, allowWeakening: false }, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).toBe(0);
    expect(err).toEqual([]);
    expect(out.join("")).toMatch(output === "json" ? /"verdict": "unchanged"/ : /No guardrail changes\./);
  });

  it("a change without before (create) or after (delete) is read as absent on that side", () => {
    const plan = file("omitted-sides.json", JSON.stringify({ ...emptyPlan, resource_changes: [
      { address: "aws_organizations_policy_attachment.a", mode: "managed", type: "aws_organizations_policy_attachment", name: "a", change: { actions: ["delete"], before: { policy_id: "p-1", target_id: "r-1" } } },
    ] }));
    const out: string[] = [];
    expect(runDiff([plan], { output: "text", allowWeakening: false }, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(1);
    expect(out.join("")).toContain("SCP detached");
  });

  it("an errored plan is bad input (its changes are incomplete), never 'no change'", () => {
    const err: string[] = [];
    const path = file("errored.json", JSON.stringify({ ...emptyPlan, errored: true }));
    expect(runDiff([path], { output: "text", allowWeakening: false }, { stdout: () => undefined, stderr: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toContain("the plan errored");
  });

  it("state without planned_values or resource_changes is still rejected", () => {
    const err: string[] = [];
    const path = file("state-only.json", JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }));
    expect(runDiff([path], { output: "text", allowWeakening: false }, { stdout: () => undefined, stderr: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toContain("of state rather than of a plan");
  });
});
