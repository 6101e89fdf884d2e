/**
 * Which comparator reads which resource type. Types not listed are not guardrails and are ignored
 * (providers' incidental resources, KMS aliases, ...).
 */
import {
  aggregator, compareSettings as compareSettingsOf, configRule, configurationPolicy, controlAssociation, legacyControl, quoted,
  referencedName, regionOf, scpAttachment, scpComparator, settingsComparator, type Comparator, type Setting,
} from "./rules";
import { iamPolicyComparator } from "./iam";
import { alarmComparator, logGroupComparator, parentBy, removedWithParent, removedWithUsers, removedWithWatchedStateMachines, scheduleComparator, stateMachineComparator } from "./service";
import { functionComparator } from "./service-function";
import { block, blocks, canonicalJsonValue, flag, text, textList } from "./values";

/**
 * The member-baseline template and the switches that turn its guardrails off: fewer template resources, no
 * recorder (`CreateRecorder` false), no root-event forwarding (`ForwardRootEvents` false) weaken it.
 */
const baselineSettings: Setting[] = [
  { label: "template resources", read: (v) => templateResources(text(v, "template_body")), direction: { kind: "superset-is-stronger" } },
  { label: "parameter CreateRecorder", read: (v) => flag(block(v, "parameters"), "CreateRecorder"), direction: { kind: "true-is-stronger" } },
  { label: "parameter ForwardRootEvents", read: (v) => flag(block(v, "parameters"), "ForwardRootEvents"), direction: { kind: "true-is-stronger" } },
  { label: "template_body", read: (v) => canonicalJson(text(v, "template_body")), direction: { kind: "informational" } },
];

const ORDINAL_LINKING_MODES = ["ALL_REGIONS", "ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS", "NO_REGIONS"];

/** Object lock retention in days, whether written as days or years. */
function retentionDays(v: Record<string, unknown>): number | undefined {
  const retention = block(block(v, "rule"), "default_retention");
  const days = Number(text(retention, "days") ?? NaN);
  const years = Number(text(retention, "years") ?? NaN);
  return !Number.isNaN(days) ? days : !Number.isNaN(years) ? years * 365 : undefined;
}

/** A bucket's settings: removed with their bucket, they are part of that one removal. */
const bucketSetting = (c: Comparator): Comparator => removedWithParent(c, parentBy("bucket", "aws_s3_bucket"));

const bucketRef = (attr: string) => (r: Parameters<Comparator["identity"]>[0], side: Parameters<Comparator["identity"]>[1]) =>
  `of bucket ${quoted(referencedName(r, side, attr, ["bucket", "bucket_prefix", "name"]))}`;

/** Specified regions mean "linked" under SPECIFIED_REGIONS and "not linked" under ALL_REGIONS_EXCEPT_SPECIFIED. */
const findingAggregator: Comparator = {
  ...settingsComparator("finding aggregator", regionOf, []),
  changed: (b, h) => {
    const [bm, hm] = [text(b.values, "linking_mode"), text(h.values, "linking_mode")];
    if (bm !== hm) {
      return compareSettingsOf([{ label: "linking_mode", read: (v) => text(v, "linking_mode"), direction: { kind: "ranked", strongestFirst: ORDINAL_LINKING_MODES } }], b, h);
    }
    const linked = hm === "ALL_REGIONS_EXCEPT_SPECIFIED" ? "excluded regions" : "linked regions";
    const [bl, hl] = [textList(b.values, "specified_regions"), textList(h.values, "specified_regions")];
    const lost = bl.filter((r) => !hl.includes(r));
    const gained = hl.filter((r) => !bl.includes(r));
    const fewerIsWeaker = hm !== "ALL_REGIONS_EXCEPT_SPECIFIED";
    return [
      ...(lost.length ? [{ classification: fewerIsWeaker ? ("weakened" as const) : ("strengthened" as const), explanation: `${linked}: removed ${lost.join(", ")}` }] : []),
      ...(gained.length ? [{ classification: fewerIsWeaker ? ("strengthened" as const) : ("weakened" as const), explanation: `${linked}: added ${gained.join(", ")}` }] : []),
    ];
  },
};

export const COMPARATORS: Readonly<Record<string, Comparator>> = {
  aws_organizations_policy: scpComparator,
  aws_organizations_policy_attachment: scpAttachment,
  aws_organizations_delegated_administrator: settingsComparator("delegated administrator", (r) => `${text(r.values, "service_principal")} → ${text(r.values, "account_id")}`, []),
  aws_securityhub_account: settingsComparator("Security Hub account", regionOf, [
    { label: "auto_enable_controls", read: (v) => flag(v, "auto_enable_controls"), direction: { kind: "true-is-stronger" } },
    { label: "control_finding_generator", read: (v) => text(v, "control_finding_generator"), direction: { kind: "informational" } },
  ]),
  aws_securityhub_organization_admin_account: settingsComparator("Security Hub delegated admin", (r) => text(r.values, "admin_account_id") ?? "", []),
  aws_securityhub_organization_configuration: settingsComparator("Security Hub organization configuration", regionOf, [
    { label: "configuration_type", read: (v) => text(block(v, "organization_configuration"), "configuration_type"), direction: { kind: "ranked", strongestFirst: ["CENTRAL", "LOCAL"] } },
    { label: "auto_enable", read: (v) => flag(v, "auto_enable"), direction: { kind: "informational" } },
    { label: "auto_enable_standards", read: (v) => text(v, "auto_enable_standards"), direction: { kind: "informational" } },
  ]),
  aws_securityhub_finding_aggregator: findingAggregator,
  aws_securityhub_configuration_policy: configurationPolicy,
  aws_securityhub_configuration_policy_association: settingsComparator(
    "configuration policy association",
    (r, side) => `${quoted(referencedName(r, side, "policy_id"))} → ${text(r.values, "target_id") ?? "(known after apply)"}`,
    [],
  ),
  aws_securityhub_standards_subscription: settingsComparator("standard", (r) => `${text(r.values, "standards_arn") ?? ""} ${regionOf(r)}`.trim(), []),
  aws_securityhub_standards_control_association: controlAssociation,
  aws_securityhub_standards_control: legacyControl,
  aws_config_organization_managed_rule: configRule,
  aws_config_organization_custom_rule: configRule,
  aws_config_config_rule: configRule,
  aws_config_configuration_aggregator: aggregator,
  aws_config_configuration_recorder: settingsComparator("Config recorder", (r) => `${quoted(text(r.values, "name"))} ${regionOf(r)}`.trim(), [
    { label: "all_supported", read: (v) => flag(block(v, "recording_group"), "all_supported"), direction: { kind: "true-is-stronger" } },
    { label: "include_global_resource_types", read: (v) => flag(block(v, "recording_group"), "include_global_resource_types"), direction: { kind: "true-is-stronger" } },
  ]),
  // A rule watching state machines (the gate service's failed executions) goes with them: gates/diff/service.ts.
  aws_cloudwatch_event_rule: removedWithWatchedStateMachines(settingsComparator("event rule", (r) => `${quoted(text(r.values, "name"))} ${regionOf(r)}`.trim(), [
    // Unset is ENABLED (provider docs, website/docs/r/cloudwatch_event_rule.html.markdown: `state` defaults to ENABLED).
    { label: "state", read: (v) => text(v, "state") ?? (flag(v, "is_enabled") === false ? "DISABLED" : "ENABLED"), direction: { kind: "ranked", strongestFirst: ["ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", "DISABLED"] } },
    // Any pattern change can stop matching the findings the alert exists for.
    { label: "event_pattern", read: (v) => canonicalJson(text(v, "event_pattern")), direction: { kind: "any-change-weakens" } },
  ])),
  aws_cloudwatch_event_target: removedWithParent(settingsComparator("event target", (r, side) => `${quoted(text(r.values, "target_id"))} of rule ${quoted(referencedName(r, side, "rule"))}`, [
    { label: "arn", read: (v) => text(v, "arn"), direction: { kind: "any-change-weakens" } },
  ]), parentBy("rule", "aws_cloudwatch_event_rule")),
  aws_sns_topic: removedWithUsers(settingsComparator("alert topic", (r) => quoted(text(r.values, "name")), [])),
  aws_sns_topic_subscription: removedWithParent(settingsComparator("alert subscription", (r, side) => `${text(r.values, "protocol")}:${text(r.values, "endpoint")} on ${quoted(referencedName(r, side, "topic_arn"))}`, []), parentBy("topic_arn", "aws_sns_topic")),
  aws_sns_topic_policy: settingsComparator("alert topic policy", (r, side) => quoted(referencedName(r, side, "arn")), [
    { label: "policy", read: (v) => canonicalJson(text(v, "policy")), direction: { kind: "informational" } },
  ]),
  // Removed with everything that names it (the gate service's work bucket with the service): part of that removal.
  aws_s3_bucket: removedWithUsers(settingsComparator("bucket", (r) => quoted(text(r.values, "bucket") ?? text(r.values, "bucket_prefix")), [
    { label: "object_lock_enabled", read: (v) => flag(v, "object_lock_enabled"), direction: { kind: "true-is-stronger" } },
    { label: "force_destroy", read: (v) => flag(v, "force_destroy"), direction: { kind: "false-is-stronger" } },
  ])),
  aws_s3_bucket_object_lock_configuration: bucketSetting(settingsComparator("object lock", bucketRef("bucket"), [
    { label: "mode", read: (v) => text(block(block(v, "rule"), "default_retention"), "mode"), direction: { kind: "ranked", strongestFirst: ["COMPLIANCE", "GOVERNANCE"] } },
    { label: "retention days", read: retentionDays, direction: { kind: "higher-is-stronger" } },
  ])),
  aws_s3_bucket_versioning: bucketSetting(settingsComparator("versioning", bucketRef("bucket"), [
    { label: "status", read: (v) => text(block(v, "versioning_configuration"), "status"), direction: { kind: "ranked", strongestFirst: ["Enabled", "Suspended", "Disabled"] } },
  ])),
  aws_s3_bucket_public_access_block: bucketSetting(settingsComparator("public access block", bucketRef("bucket"),
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].map((k) => ({ label: k, read: (v: Record<string, unknown>) => flag(v, k), direction: { kind: "true-is-stronger" as const } })),
  )),
  aws_s3_bucket_server_side_encryption_configuration: bucketSetting(settingsComparator("bucket encryption", bucketRef("bucket"), [
    { label: "sse_algorithm", read: (v) => blocks(v, "rule").map((r) => text(block(r, "apply_server_side_encryption_by_default"), "sse_algorithm") ?? "").join(","), direction: { kind: "ranked", strongestFirst: ["aws:kms:dsse", "aws:kms", "AES256"] } },
  ])),
  aws_s3_bucket_policy: bucketSetting(settingsComparator("bucket policy", bucketRef("bucket"), [
    { label: "policy", read: (v) => canonicalJson(text(v, "policy")), direction: { kind: "informational" } },
  ])),
  aws_cloudformation_stack_set: settingsComparator("StackSet", (r) => quoted(text(r.values, "name")), [
    { label: "auto_deployment", read: (v) => flag(block(v, "auto_deployment"), "enabled"), direction: { kind: "true-is-stronger" } },
    ...baselineSettings,
  ]),
  // The management account's member baseline: the same template as the StackSet, as one stack per region
  // (service-managed StackSets never deploy to the management account).
  aws_cloudformation_stack: settingsComparator("baseline stack", (r) => `${quoted(text(r.values, "name"))} ${regionOf(r)}`.trim(), baselineSettings),
  aws_cloudformation_stack_set_instance: settingsComparator("StackSet instance", (r, side) => `${quoted(referencedName(r, side, "stack_set_name"))} ${JSON.stringify(r.values.deployment_targets ?? r.values.account_id ?? "")} ${text(r.values, "stack_set_instance_region") ?? ""}`.trim(), []),
  // The gate service (modules/gate-service): gates/diff/service.ts.
  aws_scheduler_schedule: scheduleComparator,
  aws_sfn_state_machine: stateMachineComparator,
  aws_lambda_function: functionComparator,
  aws_cloudwatch_metric_alarm: alarmComparator,
  aws_cloudwatch_log_group: logGroupComparator,
  aws_iam_role: iamPolicyComparator("role trust", "assume_role_policy", (r) => quoted(text(r.values, "name"))),
  aws_iam_role_policy: iamPolicyComparator("role policy", "policy", (r, side) => `${quoted(text(r.values, "name"))} of ${quoted(referencedName(r, side, "role"))}`, (r, side) => referencedName(r, side, "role")),
  aws_iam_policy: iamPolicyComparator("IAM policy", "policy", (r) => quoted(text(r.values, "name"))),
  aws_iam_role_policy_attachment: {
    identity: (r, side) => `policy ${text(r.values, "policy_arn")} on role ${quoted(referencedName(r, side, "role"))}`,
    added: () => [{ classification: "weakened", explanation: "managed policy attached to a role: permissions widened" }],
    removed: () => [{ classification: "strengthened", explanation: "managed policy detached from a role" }],
    // Identity is role + policy ARN: nothing else on an attachment can change its meaning.
    changed: () => [],
  },
};

/** JSON text with keys sorted, so reformatting is not a change; non-JSON text is kept as-is. */
export function canonicalJson(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return canonicalJsonValue(JSON.parse(raw));
  } catch {
    return raw;
  }
}

/** `LogicalId:Type` of each resource in a CloudFormation template (JSON), for "recorder removed". */
function templateResources(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const t = JSON.parse(raw) as { Resources?: Record<string, { Type?: string }> };
    return Object.entries(t.Resources ?? {}).map(([id, r]) => `${id}:${r.Type ?? "?"}`).sort();
  } catch {
    return undefined;
  }
}
