/**
 * `guardrails diff` on the remediation permissions, built through the real modules: turning remediation on,
 * widening GuardrailsRootRemediation (more actions, more root-task policies, a dropped condition, any
 * resource) or adding a responder is weakened; turning it off is strengthened; an identical synth is no change.
 */
import { diffGuardrails, loadInputs } from "../../gates/diff/index";
import type { GuardrailsConfigInput } from "../../modules/config";
import { synthModules } from "./module-fixtures";

const RESPONDER = "arn:aws:iam::111111111111:role/IncidentResponder";
const enable = (c: GuardrailsConfigInput): void => {
  c.remediation = { enabled: true, responderRoleArns: [RESPONDER] };
  c.gate = { ...c.gate, trustedPrincipalArns: [...c.gate.trustedPrincipalArns, RESPONDER] };
};
type Statement = Record<string, unknown> & { Sid?: string; Condition?: Record<string, Record<string, unknown>> };
const editStatement = (sid: string, edit: (s: Statement) => Statement) => (doc: { Statement: Statement[] }) => ({ ...doc, Statement: doc.Statement.map((s) => (s.Sid === sid ? edit(structuredClone(s)) : s)) });
const ASSUME_ROOT = "AssumeRootToDeleteRootAccessKeys";
const conditionOf = (s: Statement): Record<string, unknown> => s.Condition!["StringEquals"]!;

const enabled = synthModules({ config: enable });
const changes = (base: string, head: string) => {
  const { base: b, head: h } = loadInputs([base, head]);
  return diffGuardrails(b, h);
};

// [name, base (default: remediation enabled), head variant, classification, explanation substring]
it.each<[string, string | null, Parameters<typeof synthModules>[0], "weakened", string]>([
  ["remediation turned on (from the default off)", synthModules(), { config: enable }, "weakened", "IAM policy added: grants Allow sts:AssumeRoot"],
  ["one more action", null, { config: enable, remediationPolicy: editStatement("ReadRemediationPreconditions", (s) => ({ ...s, Action: [...(s["Action"] as string[]), "iam:DeleteAccessKey"] })) }, "weakened", "now allows iam:DeleteAccessKey"],
  ["AssumeRoot widened to every STS action", null, { config: enable, remediationPolicy: editStatement(ASSUME_ROOT, (s) => ({ ...s, Action: "sts:*" })) }, "weakened", "now allows sts:*"],
  [
    "one more root-task policy",
    null,
    { config: enable, remediationPolicy: editStatement(ASSUME_ROOT, (s) => (conditionOf(s)["sts:TaskPolicyArn"] = [...(conditionOf(s)["sts:TaskPolicyArn"] as string[]), "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword"], s)) },
    "weakened",
    "now allows sts:TaskPolicyArn arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
  ],
  ["the task-policy condition dropped", null, { config: enable, remediationPolicy: editStatement(ASSUME_ROOT, (s) => (delete conditionOf(s)["sts:TaskPolicyArn"], s)) }, "weakened", "dropped condition StringEquals sts:TaskPolicyArn"],
  ["the organization condition dropped", null, { config: enable, remediationPolicy: editStatement(ASSUME_ROOT, (s) => (delete s.Condition!["StringEqualsIfExists"], s)) }, "weakened", "dropped condition StringEqualsIfExists aws:ResourceOrgID"],
  ["any resource instead of member accounts' roots", null, { config: enable, remediationPolicy: editStatement(ASSUME_ROOT, (s) => ({ ...s, Resource: "*" })) }, "weakened", "now allows resources *"],
  ["another responder", null, { config: (c) => (enable(c), c.remediation!.responderRoleArns!.push("arn:aws:iam::111111111111:role/AccountVendingPipeline")) }, "weakened", "managed policy attached to a role"],
])("%s", (_name, base, head, classification, text) => {
  const report = changes(base ?? enabled, synthModules(head));
  expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
  expect(report.counts.weakened).toBeGreaterThan(0);
});

it("remediation turned off is strengthened; an identical synth is no change", () => {
  const off = changes(enabled, synthModules());
  expect(off.counts.weakened).toBe(0);
  expect(off.changes).toContainEqual(expect.objectContaining({ classification: "strengthened", explanation: expect.stringContaining("IAM policy removed") }));
  expect(changes(enabled, synthModules({ config: enable })).changes).toEqual([]);
});
