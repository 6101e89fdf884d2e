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
import { SETTINGS_ENV } from "../../gates/service/settings";
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

/** A copy of the enabled output with one stack's resources edited (each edit in turn). */
function editedIn(stackName: "gate-service" | "security-tooling", ...edits: ((resources: Resources) => void)[]): string {
  const dir = scratchDir("edited-");
  cpSync(base(), dir, { recursive: true });
  const path = join(dir, "stacks", stackName, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(path, "utf8")) as { resource: Resources };
  for (const edit of edits) edit(stack.resource);
  writeFileSync(path, JSON.stringify(stack));
  return dir;
}
/** A copy of the enabled output with the gate-service stack's resources edited. */
const edited = (...edits: ((resources: Resources) => void)[]): string => editedIn("gate-service", ...edits);

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

/** Edits the gate settings the function runs with (its SETTINGS_ENV JSON), as a change to gateServiceSettings would. */
const editSettings = (change: (settings: Json) => void) => (r: Resources) => {
  const [, fn] = one(r, "aws_lambda_function", "function");
  const settings = JSON.parse(fn.environment.variables[SETTINGS_ENV]);
  change(settings);
  fn.environment.variables[SETTINGS_ENV] = JSON.stringify(settings);
};
/** Edits both state machines' logging_configuration. */
const editLogging = (change: (logging: Json) => void) => (r: Resources) => {
  for (const machine of Object.values(r.aws_sfn_state_machine!)) change(machine.logging_configuration);
};
const editSchedule = (change: (schedule: Json) => void) => (r: Resources) => change(one(r, "aws_scheduler_schedule", "sweep-schedule")[1]);

/** A new role only Step Functions (for this account) may assume, with `statements` as its inline policy. */
const newServiceRole = (statements: Json[]) => (r: Resources) => {
  r.aws_iam_role!["gate-service_extra-role_TEST"] = {
    name: "GuardrailsExtra",
    assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } }] }),
  };
  r.aws_iam_role_policy!["gate-service_extra-policy_TEST"] = { name: "GuardrailsExtra", role: "${aws_iam_role.gate-service_extra-role_TEST.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
};
const allow = (Action: string | string[], Resource: string | string[]): Json => ({ Sid: "Extra", Effect: "Allow", Action, Resource });
const A_STATE_MACHINE = "arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-sweep";

/** Edits the event pattern of the one rule of that construct name. */
const editPattern = (part: string, change: (pattern: Json) => void) => (r: Resources) => {
  const [, rule] = one(r, "aws_cloudwatch_event_rule", part);
  const pattern = JSON.parse(rule.event_pattern);
  change(pattern);
  rule.event_pattern = JSON.stringify(pattern);
};
/** An alarm someone adds on guardrails-sweep, paging `actions` (the alarm comparator stays generic). */
const withAlarm = (actions: string[]) => (r: Resources) => {
  r.aws_cloudwatch_metric_alarm = {
    "gate-service_extra-alarm_TEST": {
      alarm_name: "guardrails-sweep-failed-extra",
      namespace: "AWS/States",
      metric_name: "ExecutionsFailed",
      dimensions: { StateMachineArn: A_STATE_MACHINE },
      statistic: "Sum",
      period: 300,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 1,
      alarm_actions: actions,
    },
  };
};
const OPS_TOPIC = "arn:aws:sns:eu-west-1:111111111111:ops";

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
  // ---- failed executions page through the security-tooling alert topic (forwarded by the service's account)
  { name: "failed-execution forwarding rule removed (with its target)", head: () => edited(remove("aws_cloudwatch_event_rule", "failures-forward"), remove("aws_cloudwatch_event_target", "failures-forward-target")), exit: 1, expected: [["weakened", "event rule removed"], ["neutral", 'removed with event rule "guardrails-gate-service-failed-forward"']] },
  { name: "failed-execution forwarding rule disabled", head: () => edited((r) => void (one(r, "aws_cloudwatch_event_rule", "failures-forward")[1].state = "DISABLED")), exit: 1, expected: [["weakened", "state ENABLED → DISABLED"]] },
  { name: "failed-execution forwarding target sent to another bus", head: () => edited((r) => void (one(r, "aws_cloudwatch_event_target", "failures-forward-target")[1].arn = "arn:aws:events:eu-west-1:111111111111:event-bus/default")), exit: 1, expected: [["weakened", "arn arn:aws:events:eu-west-1:222222222222:event-bus/default → arn:aws:events:eu-west-1:111111111111:event-bus/default"]] },
  { name: "failed-execution forwarding narrowed: TIMED_OUT no longer forwarded", head: () => edited(editPattern("failures-forward", (p) => void (p.detail.status = ["FAILED", "ABORTED"]))), exit: 1, expected: [["weakened", "event_pattern"]] },
  { name: "security tooling: failed-execution rule removed (with its target)", head: () => editedIn("security-tooling", remove("aws_cloudwatch_event_rule", "gate-service-failed"), remove("aws_cloudwatch_event_target", "gate-service-failed-target")), exit: 1, expected: [["weakened", "event rule removed"]] },
  { name: "security tooling: failed-execution target removed", head: () => editedIn("security-tooling", remove("aws_cloudwatch_event_target", "gate-service-failed-target")), exit: 1, expected: [["weakened", 'event target removed']] },
  { name: "security tooling: failed-execution rule narrowed to guardrails-promote", head: () => editedIn("security-tooling", editPattern("gate-service-failed", (p) => void (p.detail.stateMachineArn = [p.detail.stateMachineArn[0]]))), exit: 1, expected: [["weakened", "event_pattern"]] },
  { name: "security tooling: failed-execution rule widened to any account", head: () => editedIn("security-tooling", editPattern("gate-service-failed", (p) => void delete p.account)), exit: 1, expected: [["weakened", "(changed; cannot prove it is not weaker)"]] },
  // ---- a CloudWatch alarm someone adds (the generic alarm comparator)
  { name: "added alarm removed", base: () => edited(withAlarm([OPS_TOPIC])), head: base, exit: 1, expected: [["weakened", "alarm removed: failed executions no longer page"]] },
  { name: "added alarm's actions emptied", base: () => edited(withAlarm([OPS_TOPIC])), head: () => edited(withAlarm([])), exit: 1, expected: [["weakened", `alarm_actions emptied (was ${OPS_TOPIC}): the alarm pages no one`]] },
  // ---- logs
  { name: "log retention shortened", head: () => synthOnce("short-logs", withService((s) => void (s.logRetentionDays = 30))), exit: 1, expected: [["weakened", "retention_in_days 365 → 30 (shortened)"]] },
  { name: "log retention: never expire", head: () => edited((r) => void delete one(r, "aws_cloudwatch_log_group", "sweep-logs")[1].retention_in_days), exit: 0, expected: [["strengthened", "retention_in_days 365 → never expire (lengthened)"]] },
  // ---- state machines and the function
  { name: "sweep state machine removed", head: () => edited(remove("aws_sfn_state_machine", "sweep")), exit: 1, expected: [["weakened", "state machine removed"]] },
  { name: "function removed", head: () => edited(remove("aws_lambda_function", "function")), exit: 1, expected: [["weakened", "function removed: the gate service's steps no longer run"]] },
  { name: "Distributed Map tolerates failures", head: () => edited(editDefinition("sweep", (d) => void (d.States.CheckAccounts.ToleratedFailurePercentage = 5))), exit: 1, expected: [["weakened", 'Map state "CheckAccounts" ToleratedFailurePercentage 0 → 5']] },
  { name: "Distributed Map concurrency changed only", head: () => synthOnce("concurrency", withService((s) => void (s.sweep = { maxConcurrency: 20 }))), exit: 0, expected: [["neutral", 'Map state "CheckAccounts" MaxConcurrency 10 → 20']] },
  { name: "promote definition changed otherwise", head: () => edited(editDefinition("promote", (d) => void (d.States.IsProductionReady.Default = "ProductionReady"))), exit: 1, expected: [["weakened", "definition changed (changed; cannot prove it is not weaker)"]] },
  // ---- the function's gate settings (SETTINGS_ENV): a weaker gate decision is weakened, as the CLI's flags would be
  { name: "gate settings: IAM.3 no longer required", base: () => edited(editSettings((g) => void (g.require = ["IAM.4", "IAM.3"]))), head: base, exit: 1, expected: [["weakened", "gate require: removed IAM.3"]] },
  { name: "gate settings: IAM.3 now required", head: () => edited(editSettings((g) => void (g.require = ["IAM.4", "IAM.3"]))), exit: 0, expected: [["strengthened", "gate require: added IAM.3"]] },
  { name: "gate settings: acceptNoRootCredentials turned on", head: () => edited(editSettings((g) => void (g.acceptNoRootCredentials = true))), exit: 1, expected: [["weakened", "gate acceptNoRootCredentials false → true"]] },
  { name: "gate settings: acceptNoRootCredentials turned off", base: () => edited(editSettings((g) => void (g.acceptNoRootCredentials = true))), head: base, exit: 0, expected: [["strengthened", "gate acceptNoRootCredentials true → false"]] },
  { name: "gate settings: maxAccessKeyAgeDays raised", head: () => edited(editSettings((g) => void (g.maxAccessKeyAgeDays = 120))), exit: 1, expected: [["weakened", "gate maxAccessKeyAgeDays 90 → 120"]] },
  { name: "gate settings: maxAccessKeyAgeDays lowered", head: () => edited(editSettings((g) => void (g.maxAccessKeyAgeDays = 45))), exit: 0, expected: [["strengthened", "gate maxAccessKeyAgeDays 90 → 45"]] },
  // Where the verdict lands and what it reads: a reviewer must see these, though none is a weaker decision as such.
  { name: "gate settings: ready tag key renamed", head: () => edited(editSettings((g) => void (g.tagKey = "ready"))), exit: 1, expected: [["weakened", "gate tagKey guardrails:production-ready → ready (accounts still tagged with the old key are no longer revoked by the sweep)"]] },
  { name: "gate settings: production OU changed", head: () => edited(editSettings((g) => void (g.productionOuId = "ou-abcd-99999999"))), exit: 1, expected: [["weakened", "→ ou-abcd-99999999 (promote moves accounts into another OU; cannot prove its SCPs are the same)"]] },
  { name: "gate settings: findings read from another account", head: () => edited(editSettings((g) => void (g.securityHubAccountId = "999999999999"))), exit: 1, expected: [["weakened", "→ 999999999999 (IAM.4 and IAM.3 findings are read from another account"]] },
  { name: "gate settings: evidence to another bucket", head: () => edited(editSettings((g) => void (g.evidenceBucket = "somewhere-else"))), exit: 1, expected: [["weakened", "→ somewhere-else (evidence goes to another bucket; cannot prove it keeps it under object lock)"]] },
  { name: "gate settings: an endpoint override", head: () => edited(editSettings((g) => void (g.endpointUrl = "https://example.test"))), exit: 1, expected: [["weakened", "gate endpointUrl unset → https://example.test (the function's AWS calls go to that endpoint, which answers for AWS)"]] },
  { name: "gate settings: an endpoint override removed", base: () => edited(editSettings((g) => void (g.endpointUrl = "https://example.test"))), head: base, exit: 0, expected: [["strengthened", "gate endpointUrl https://example.test → unset"]] },
  { name: "gate settings: batch size only (how the work is done)", head: () => edited(editSettings((g) => void (g.batchSize = 25))), exit: 0, expected: [["neutral", "gate batchSize 50 → 25"]] },
  // ---- state machine logging: ALL > ERROR > FATAL > OFF, and execution data in the records
  { name: "state machine logging: ERROR → FATAL", head: () => edited(editLogging((l) => void (l.level = "FATAL"))), exit: 1, expected: [["weakened", "logging level ERROR → FATAL"]] },
  { name: "state machine logging: configuration removed (level OFF)", head: () => edited((r) => void delete one(r, "aws_sfn_state_machine", "sweep")[1].logging_configuration), exit: 1, expected: [["weakened", "logging level ERROR → OFF"], ["weakened", "logging include_execution_data true → false"]] },
  { name: "state machine logging: ERROR → ALL", head: () => edited(editLogging((l) => void (l.level = "ALL"))), exit: 0, expected: [["strengthened", "logging level ERROR → ALL"]] },
  { name: "state machine logging: execution data dropped", head: () => edited(editLogging((l) => void (l.include_execution_data = false))), exit: 1, expected: [["weakened", "logging include_execution_data true → false"]] },
  // ---- schedule end and time zone
  { name: "schedule end_date added (the sweep stops)", head: () => edited(editSchedule((s) => void (s.end_date = "2027-01-01T00:00:00Z"))), exit: 1, expected: [["weakened", "end_date unset → 2027-01-01T00:00:00Z: the schedule stops then"]] },
  { name: "schedule end_date brought forward", base: () => edited(editSchedule((s) => void (s.end_date = "2028-01-01T00:00:00Z"))), head: () => edited(editSchedule((s) => void (s.end_date = "2027-01-01T00:00:00Z"))), exit: 1, expected: [["weakened", "end_date 2028-01-01T00:00:00Z → 2027-01-01T00:00:00Z: the schedule stops then"]] },
  { name: "schedule end_date removed", base: () => edited(editSchedule((s) => void (s.end_date = "2027-01-01T00:00:00Z"))), head: base, exit: 0, expected: [["strengthened", "end_date 2027-01-01T00:00:00Z → unset"]] },
  // The time zone moves when a cron schedule fires, not how often: neutral (runsIn52Weeks is the same in any zone).
  { name: "schedule time zone changed", head: () => edited(editSchedule((s) => void (s.schedule_expression_timezone = "America/New_York"))), exit: 0, expected: [["neutral", "schedule_expression_timezone UTC → America/New_York"]] },
  // ---- a new service role: its own narrow grant is neutral, a broad one is reviewed
  { name: "new service role: narrow grant stays neutral", head: () => edited(newServiceRole([allow("states:StartExecution", A_STATE_MACHINE)])), exit: 0, expected: [["neutral", 'role policy added with service role "GuardrailsExtra", new in this change (assumed by states.amazonaws.com): grants Allow states:StartExecution']] },
  { name: "new service role: every action", head: () => edited(newServiceRole([allow("*", A_STATE_MACHINE)])), exit: 1, expected: [["weakened", 'new grant is broad: review (statement "Extra" allows *)']] },
  { name: "new service role: a whole service", head: () => edited(newServiceRole([allow(["states:StartExecution", "s3:*"], "arn:aws:s3:::guardrails-gate-service-111111111111-eu-west-1/*")])), exit: 1, expected: [["weakened", 'new grant is broad: review (statement "Extra" allows s3:*)']] },
  { name: "new service role: a write on every resource", head: () => edited(newServiceRole([allow("states:StartExecution", "*")])), exit: 1, expected: [["weakened", 'statement "Extra" allows states:StartExecution on every resource']] },
  { name: "new service role: iam:PassRole on every resource", head: () => edited(newServiceRole([allow("iam:PassRole", "*")])), exit: 1, expected: [["weakened", 'statement "Extra" allows iam:PassRole on every resource']] },
  { name: "new service role: attach policies to one role (privilege escalation)", head: () => edited(newServiceRole([allow("iam:AttachRolePolicy", "arn:aws:iam::111111111111:role/GuardrailsExtra")])), exit: 1, expected: [["weakened", 'statement "Extra" allows iam:AttachRolePolicy: it can grant itself more']] },
  { name: "new service role: every action but some (NotAction)", head: () => edited(newServiceRole([{ Sid: "Extra", Effect: "Allow", NotAction: "iam:*", Resource: A_STATE_MACHINE }])), exit: 1, expected: [["weakened", 'statement "Extra" allows every action but iam:*']] },
  { name: "new service role: a write on every resource but one (NotResource)", head: () => edited(newServiceRole([{ Sid: "Extra", Effect: "Allow", Action: "states:StartExecution", NotResource: A_STATE_MACHINE }])), exit: 1, expected: [["weakened", 'statement "Extra" allows states:StartExecution on every resource']] },
  { name: "new service role: log delivery on every resource (what AWS requires) stays neutral", head: () => edited(newServiceRole([allow(["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups"], "*")])), exit: 0, expected: [["neutral", 'role policy added with service role "GuardrailsExtra"']] },
  {
    name: "new managed policy with a broad grant",
    head: () => edited((r) => void (r.aws_iam_policy = { "gate-service_extra-managed_TEST": { name: "GuardrailsExtraManaged", policy: JSON.stringify({ Version: "2012-10-17", Statement: [allow("iam:*", "*")] }) } })),
    exit: 1,
    expected: [["weakened", 'IAM policy added: grants Allow iam:*; new grant is broad: review (statement "Extra" allows iam:*)']],
  },
];

const silent = { stdout: () => undefined, stderr: () => undefined };
// Every output before the tests run (scratch directories are registered for removal at the file's end).
const heads = new Map(CASES.map((c) => [c.name, c.head()]));
const headOf = (c: ServiceCase): string => heads.get(c.name)!;
const off = synthOnce("off", () => undefined);

describe.each([
  ["synth directories", (b: string, h: string) => [b, h]],
  ["a plan JSON file", (b: string, h: string) => [planFromSynth(b, h)]],
] as const)("gate service, diffed as %s", (kind, inputsFor) => {
  it.each(CASES)("$name", (c) => {
    const paths = inputsFor((c.base ?? base)(), headOf(c));
    const { base: b, head: h } = loadInputs(paths);
    const report = diffGuardrails(b, h);
    for (const [classification, text] of c.expected) {
      expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
    }
    expect({ weakened: report.counts.weakened > 0 }).toEqual({ weakened: c.exit === 1 });
    // The CLI's exit follows from the same report; run it once per case (synth directories), not for each form.
    if (kind === "synth directories") expect(runDiff(paths, { output: "text", allowWeakening: false }, silent)).toBe(c.exit);
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
      expect.arrayContaining(["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_cloudwatch_log_group", "aws_s3_bucket"]),
    );
    // Both failed-execution rules, in the service's stack and in security tooling, go with the state machines they watch.
    expect(consequences.filter((x) => x.resourceType === "aws_cloudwatch_event_rule").map((x) => `${x.identity}: ${x.explanation}`).sort()).toEqual([
      'event rule "guardrails-gate-service-failed" (eu-west-1): removed with state machine "guardrails-promote" (eu-west-1), state machine "guardrails-sweep" (eu-west-1)',
      'event rule "guardrails-gate-service-failed-forward" (eu-west-1): removed with state machine "guardrails-promote" (eu-west-1), state machine "guardrails-sweep" (eu-west-1)',
    ]);
    expect(consequences.every((x) => x.classification === "neutral")).toBe(true);
  });
});

describe("the function's gate settings: no field changes unseen", () => {
  const settings = (): Json => JSON.parse(one(JSON.parse(readFileSync(join(base(), "stacks", "gate-service", "cdk.tf.json"), "utf8")).resource, "aws_lambda_function", "function")[1].environment.variables[SETTINGS_ENV]);
  const changedValue = (value: unknown): unknown =>
    typeof value === "string" ? `${value}x` : typeof value === "number" ? value + 1 : typeof value === "boolean" ? !value : Array.isArray(value) ? [...value, "x"] : { ...(value as object), x: 1 };
  // endpointUrl is absent from what the modules write (the SDK's own endpoints), so it is named here.
  it.each([...Object.keys(settings()), "endpointUrl"])("%s", (key) => {
    const head = edited(editSettings((g) => void (g[key] = key in g ? changedValue(g[key]) : "https://example.test")));
    const { base: b, head: h } = loadInputs([base(), head]);
    const lines = diffGuardrails(b, h).changes.filter((x) => x.identity.startsWith('function "guardrails-gate"'));
    expect(lines.map((x) => x.explanation)).toEqual([expect.stringMatching(new RegExp(`^gate ${key}[ :]`))]);
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
