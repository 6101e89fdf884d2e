/**
 * Issue 13, "guardrails diff classifies removing the schedule or loosening these roles as weakened": the gate
 * service's resources through the real modules (gateService enabled), each head a config change or an edit of the
 * synthesized gate-service stack (what a code change to modules/gate-service would produce), diffed as two synth
 * directories and as a plan JSON file. Synthesized once per variant; edits copy the base output.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diffGuardrails, loadInputs, type DiffReport } from "../../gates/diff/index";
import { runsIn52Weeks } from "../../gates/diff/service";
import { runDiff } from "../../gates/cli/commands/diff";
import type { GuardrailsConfigInput } from "../../modules/config";
import { planFromSynth } from "./fixtures";
import { synthModules } from "./module-fixtures";
import { scratchDir } from "./scratch";

/** Synthesized Terraform JSON, edited in place by the cases. */
type Json = Record<string, any>;
type Resources = Record<string, Record<string, Json>>;

const ENABLED = { enabled: true, promote: { onControlTowerAccountCreated: true } };
const withService = (edit: (s: NonNullable<GuardrailsConfigInput["gateService"]> & typeof ENABLED) => void = () => undefined) => (c: GuardrailsConfigInput) => {
  const service = structuredClone(ENABLED) as NonNullable<GuardrailsConfigInput["gateService"]> & typeof ENABLED;
  edit(service);
  c.gateService = service;
};

const synths = new Map<string, string>();
const synthOnce = (key: string, config: (c: GuardrailsConfigInput) => void): string => {
  if (!synths.has(key)) synths.set(key, synthModules({ config }));
  return synths.get(key)!;
};
const base = (): string => synthOnce("enabled", withService());

/** A copy of the enabled output with the gate-service stack's resources edited. */
function edited(edit: (resources: Resources) => void): string {
  const dir = scratchDir("edited-");
  cpSync(base(), dir, { recursive: true });
  const path = join(dir, "stacks", "gate-service", "cdk.tf.json");
  const stack = JSON.parse(readFileSync(path, "utf8")) as { resource: Resources };
  edit(stack.resource);
  writeFileSync(path, JSON.stringify(stack));
  return dir;
}

/** The one resource of `type` whose construct name contains `part`. */
function one(resources: Resources, type: string, part: string): [string, Json] {
  const found = Object.entries(resources[type] ?? {}).filter(([name]) => name.includes(part));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${part}*, found ${found.length}`);
  return found[0]!;
}
const remove = (type: string, part: string) => (r: Resources) => void delete r[type]![one(r, type, part)[0]];
const policyOf = (r: Resources, type: string, part: string, attr: string): { Statement: Json[] } => JSON.parse(one(r, type, part)[1][attr]);
const editPolicy = (type: string, part: string, attr: string, change: (statements: Json[]) => void) => (r: Resources) => {
  const doc = policyOf(r, type, part, attr);
  change(doc.Statement);
  one(r, type, part)[1][attr] = JSON.stringify(doc);
};
const statement = (statements: Json[], sid: string): Json => statements.find((s) => s.Sid === sid)!;
const editDefinition = (part: string, change: (definition: Json) => void) => (r: Resources) => {
  const [, machine] = one(r, "aws_sfn_state_machine", part);
  const definition = JSON.parse(machine.definition);
  change(definition);
  machine.definition = JSON.stringify(definition);
};

interface ServiceCase {
  name: string;
  base?: () => string;
  head: () => string;
  exit: 0 | 1;
  /** [classification, substring of the explanation] that must be among the changes. */
  expected: [string, string][];
}

const CASES: ServiceCase[] = [
  // ---- the sweep schedule
  { name: "schedule removed", head: () => edited(remove("aws_scheduler_schedule", "sweep-schedule")), exit: 1, expected: [["weakened", 'schedule removed: state machine "guardrails-sweep" no longer runs on a schedule']] },
  { name: "schedule disabled (sweep.scheduled false)", head: () => synthOnce("unscheduled", withService((s) => void (s.sweep = { scheduled: false }))), exit: 1, expected: [["weakened", "state ENABLED → DISABLED"]] },
  {
    name: "schedule target changed away from the sweep",
    head: () => edited((r) => void (one(r, "aws_scheduler_schedule", "sweep-schedule")[1].target.arn = "arn:aws:states:eu-west-1:111111111111:stateMachine:something-else")),
    exit: 1,
    expected: [["weakened", 'target state machine "guardrails-sweep" → state machine "something-else"']],
  },
  { name: "sweep input: revoke turned off", base: () => synthOnce("revoke", withService((s) => void (s.sweep = { revoke: true }))), head: base, exit: 1, expected: [["weakened", "input revoke true → false"]] },
  { name: "sweep input: revoke turned on", head: () => synthOnce("revoke", withService((s) => void (s.sweep = { revoke: true }))), exit: 0, expected: [["strengthened", "input revoke false → true"]] },
  { name: "sweep input: whole organization → one OU", head: () => synthOnce("one-ou", withService((s) => void (s.sweep = { ouIds: ["ou-ab12-11111111"] }))), exit: 1, expected: [["weakened", "input ouIds the whole organization → [ou-ab12-11111111]: sweeps fewer accounts"]] },
  {
    name: "sweep input: an OU dropped from the list",
    base: () => synthOnce("two-ous", withService((s) => void (s.sweep = { ouIds: ["ou-ab12-11111111", "ou-ab12-22222222"] }))),
    head: () => synthOnce("one-ou", withService((s) => void (s.sweep = { ouIds: ["ou-ab12-11111111"] }))),
    exit: 1,
    expected: [["weakened", "input ouIds: removed ou-ab12-22222222"]],
  },
  // More frequent sweeps: fresher evidence, sooner revocation; ranked strengthened.
  { name: "schedule more frequent (daily → hourly)", head: () => synthOnce("hourly", withService((s) => void (s.sweep = { schedule: "rate(1 hour)" }))), exit: 0, expected: [["strengthened", "schedule_expression cron(0 6 * * ? *) → rate(1 hour) (more frequent: 364 → 8736 runs in 52 weeks)"]] },
  { name: "schedule less frequent (daily → weekly)", head: () => synthOnce("weekly", withService((s) => void (s.sweep = { schedule: "cron(0 6 ? * MON *)" }))), exit: 1, expected: [["weakened", "(less frequent: 364 → 52 runs in 52 weeks)"]] },
  // ---- vending events
  { name: "vending-event rule removed", head: () => synthOnce("no-events", withService((s) => void (s.promote = { onControlTowerAccountCreated: false }))), exit: 1, expected: [["weakened", "event rule removed"], ["neutral", 'removed with event rule "guardrails-promote-on-control-tower-account-created"']] },
  { name: "vending-event rule disabled", head: () => edited((r) => void (one(r, "aws_cloudwatch_event_rule", "control-tower-account-created")[1].state = "DISABLED")), exit: 1, expected: [["weakened", "state ENABLED → DISABLED"]] },
  // ---- the function role's policy
  { name: "function role: an Allow action added", head: () => edited(editPolicy("aws_iam_role_policy", "function-policy", "policy", (s) => void statement(s, "SweepWorkFiles").Action.push("s3:DeleteObject"))), exit: 1, expected: [["weakened", 'statement "SweepWorkFiles" now allows s3:DeleteObject']] },
  { name: "function role: an action wildcarded", head: () => edited(editPolicy("aws_iam_role_policy", "function-policy", "policy", (s) => void (statement(s, "SweepWorkFiles").Action = "s3:*"))), exit: 1, expected: [["weakened", 'statement "SweepWorkFiles" now allows s3:*']] },
  { name: "function role: a resource widened", head: () => edited(editPolicy("aws_iam_role_policy", "function-policy", "policy", (s) => void (statement(s, "SweepWorkFiles").Resource = "*"))), exit: 1, expected: [["weakened", 'statement "SweepWorkFiles" now allows resources *']] },
  { name: "function role: a Condition dropped from an Allow", head: () => edited(editPolicy("aws_iam_role_policy", "function-policy", "policy", (s) => void delete statement(s, "ListSweepResults").Condition)), exit: 1, expected: [["weakened", 'statement "ListSweepResults" dropped condition StringLike s3:prefix [runs/*]: the allow applies more broadly']] },
  { name: "function role: an action removed (tightened)", head: () => edited(editPolicy("aws_iam_role_policy", "function-policy", "policy", (s) => void (statement(s, "SweepWorkFiles").Action = ["s3:PutObject"]))), exit: 0, expected: [["strengthened", 'statement "SweepWorkFiles" no longer allows s3:GetObject']] },
  { name: "sweep role: child executions on any state machine", head: () => edited(editPolicy("aws_iam_role_policy", "sweep-policy", "policy", (s) => void (statement(s, "StartChildWorkflows").Resource = "*"))), exit: 1, expected: [["weakened", 'statement "StartChildWorkflows" now allows resources *']] },
  // ---- trust policies
  { name: "function role trust: aws:SourceAccount dropped", head: () => edited(editPolicy("aws_iam_role", "function-role", "assume_role_policy", (s) => void delete s[0]!.Condition)), exit: 1, expected: [["weakened", 'statement "ThisAccountOnly" dropped condition StringEquals aws:SourceAccount [111111111111]']] },
  { name: "scheduler role trust: principal widened", head: () => edited(editPolicy("aws_iam_role", "scheduler-role", "assume_role_policy", (s) => void (s[0]!.Principal = "*"))), exit: 1, expected: [["weakened", 'statement "ThisAccountOnly" now allows principals *']] },
  { name: "scheduler role trust: a second account pinned (tightened → loosened)", head: () => edited(editPolicy("aws_iam_role", "scheduler-role", "assume_role_policy", (s) => void (s[0]!.Condition.StringEquals["aws:SourceAccount"] = ["111111111111", "999999999999"]))), exit: 1, expected: [["weakened", 'statement "ThisAccountOnly" now allows aws:SourceAccount 999999999999 (StringEquals)']] },
  // ---- alarms and logs
  { name: "alarm on failed sweeps removed", head: () => edited(remove("aws_cloudwatch_metric_alarm", "guardrails-sweep-failed")), exit: 1, expected: [["weakened", "alarm removed: failed executions no longer page"]] },
  { name: "alarm actions emptied", head: () => edited((r) => void (one(r, "aws_cloudwatch_metric_alarm", "guardrails-promote-failed")[1].alarm_actions = [])), exit: 1, expected: [["weakened", 'alarm_actions emptied (was topic "guardrails-gate-service-alerts"): the alarm pages no one']] },
  { name: "alarm actions disabled", head: () => edited((r) => void (one(r, "aws_cloudwatch_metric_alarm", "guardrails-promote-failed")[1].actions_enabled = false)), exit: 1, expected: [["weakened", "actions_enabled true → false"]] },
  { name: "log retention shortened", head: () => synthOnce("short-logs", withService((s) => void (s.logRetentionDays = 30))), exit: 1, expected: [["weakened", "retention_in_days 365 → 30 (shortened)"]] },
  { name: "log retention: never expire", head: () => edited((r) => void delete one(r, "aws_cloudwatch_log_group", "sweep-logs")[1].retention_in_days), exit: 0, expected: [["strengthened", "retention_in_days 365 → never expire (lengthened)"]] },
  // ---- state machines and the function
  { name: "sweep state machine removed", head: () => edited(remove("aws_sfn_state_machine", "sweep")), exit: 1, expected: [["weakened", "state machine removed"]] },
  { name: "function removed", head: () => edited(remove("aws_lambda_function", "function")), exit: 1, expected: [["weakened", "function removed: the gate service's steps no longer run"]] },
  { name: "Distributed Map tolerates failures", head: () => edited(editDefinition("sweep", (d) => void (d.States.CheckAccounts.ToleratedFailurePercentage = 5))), exit: 1, expected: [["weakened", 'Map state "CheckAccounts" ToleratedFailurePercentage 0 → 5']] },
  { name: "Distributed Map concurrency changed only", head: () => synthOnce("concurrency", withService((s) => void (s.sweep = { maxConcurrency: 20 }))), exit: 0, expected: [["neutral", 'Map state "CheckAccounts" MaxConcurrency 10 → 20']] },
  { name: "promote definition changed otherwise", head: () => edited(editDefinition("promote", (d) => void (d.States.IsProductionReady.Default = "ProductionReady"))), exit: 1, expected: [["weakened", "definition changed (changed; cannot prove it is not weaker)"]] },
];

const silent = { stdout: () => undefined, stderr: () => undefined };
// Every output before the tests run (scratch directories are registered for removal at the file's end).
const heads = new Map(CASES.map((c) => [c.name, c.head()]));
const headOf = (c: ServiceCase): string => heads.get(c.name)!;
const off = synthOnce("off", () => undefined);

describe.each([
  ["synth directories", (b: string, h: string) => [b, h]],
  ["a plan JSON file", (b: string, h: string) => [planFromSynth(b, h)]],
] as const)("gate service, diffed as %s", (_kind, inputsFor) => {
  it.each(CASES)("$name", (c) => {
    const paths = inputsFor((c.base ?? base)(), headOf(c));
    const { base: b, head: h } = loadInputs(paths);
    const report = diffGuardrails(b, h);
    for (const [classification, text] of c.expected) {
      expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
    }
    expect({ weakened: report.counts.weakened > 0 }).toEqual({ weakened: c.exit === 1 });
    expect(runDiff(paths, { output: "text", allowWeakening: false }, silent)).toBe(c.exit);
  });

  const weakenedLines = (report: DiffReport) => report.changes.filter((x) => x.classification === "weakened").map((x) => `${x.identity}: ${x.explanation}`).sort();

  it("enabling the service from nothing weakens nothing (its new service roles are reported neutral, with their grants)", () => {
    const { base: b, head: h } = loadInputs(inputsFor(off, base()));
    const report = diffGuardrails(b, h);
    expect(weakenedLines(report)).toEqual([]);
    expect(report.changes).toContainEqual(expect.objectContaining({ classification: "neutral", explanation: expect.stringContaining('role policy added with service role "GuardrailsGateService", new in this change (assumed by lambda.amazonaws.com): grants Allow organizations:TagResource') }));
    expect(report.changes).toContainEqual(expect.objectContaining({ classification: "neutral", explanation: expect.stringContaining('now allows aws:PrincipalArn arn:aws:iam::111111111111:role/GuardrailsGateService (ArnLike): service role "GuardrailsGateService"') }));
    expect(report.changes).toContainEqual(expect.objectContaining({ classification: "strengthened", explanation: 'schedule added: starts state machine "guardrails-sweep" on cron(0 6 * * ? *)' }));
    expect(runDiff(inputsFor(off, base()), { output: "text", allowWeakening: false }, silent)).toBe(0);
  });

  it("disabling the whole service: one weakened line per removed guardrail, the rest as their consequence", () => {
    const { base: b, head: h } = loadInputs(inputsFor(base(), off));
    const report = diffGuardrails(b, h);
    expect(weakenedLines(report)).toEqual([
      'event rule "guardrails-promote-on-control-tower-account-created" (eu-west-1): event rule removed',
      'function "guardrails-gate" (eu-west-1): function removed: the gate service\'s steps no longer run',
      'schedule "guardrails-sweep" (eu-west-1): schedule removed: state machine "guardrails-sweep" no longer runs on a schedule',
      'state machine "guardrails-promote" (eu-west-1): state machine removed',
      'state machine "guardrails-sweep" (eu-west-1): state machine removed',
    ]);
    const consequences = report.changes.filter((x) => x.explanation.startsWith("removed with "));
    expect(consequences.map((x) => x.resourceType).sort()).toEqual(
      expect.arrayContaining(["aws_cloudwatch_event_target", "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_s3_bucket", "aws_sns_topic", "aws_sns_topic_subscription"]),
    );
    expect(consequences.every((x) => x.classification === "neutral")).toBe(true);
  });
});

describe("schedule frequency: runs in 52 weeks", () => {
  it.each([
    ["cron(0 6 * * ? *)", 364],
    ["cron(0 6 ? * MON *)", 52],
    ["cron(0 6 ? * MON-FRI *)", 260],
    ["cron(0/15 * * * ? *)", 364 * 96],
    ["cron(0 6 1 * ? *)", 12],
    ["rate(1 hour)", 364 * 24],
    ["rate(12 hours)", 728],
    ["rate(7 days)", 52],
    ["cron(0 6 L * ? *)", undefined],
    ["cron(0 6 ? * 2#1 *)", undefined],
    ["at(2030-01-01T00:00:00)", undefined],
  ])("%s → %s", (expression, runs) => expect(runsIn52Weeks(expression)).toBe(runs));
});
