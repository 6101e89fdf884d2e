/**
 * cloudtrail: root CreateAccessKey alerts are EventBridge rules on "AWS API Call via CloudTrail" events,
 * which exist only for calls a logging trail records: "To record events with a detail-type value of AWS
 * API Call via CloudTrail, a CloudTrail trail with logging enabled is required"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html). So every
 * account needs a trail that logs IAM's write management events: an organization trail
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html) that includes
 * global service events, multi-Region or homed in the Region where IAM delivers them
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events),
 * logging, with event selectors that keep write management events
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html). Pure.
 */
import type { PreflightPlan } from "../plan";
import { fixForFailure, type Outcome, type PreflightCheck } from "../types";

export interface BasicSelector {
  readWriteType: string | null;
  includeManagementEvents: boolean | null;
  excludeManagementEventSources: string[];
}

export interface AdvancedFieldSelector {
  field: string;
  equals: string[] | null;
  notEquals: string[] | null;
  /** StartsWith / EndsWith / NotStartsWith / NotEndsWith are present: preflight does not prove those. */
  otherOperators: boolean;
}

export interface TrailSelectors {
  basic: BasicSelector[];
  advanced: { name: string | null; fields: AdvancedFieldSelector[] }[];
}

export interface TrailFacts {
  name: string;
  arn: string;
  homeRegion: string;
  multiRegion: boolean;
  globalServiceEvents: boolean;
  organization: boolean;
  /** cloudtrail:GetTrailStatus IsLogging. */
  logging: Outcome<boolean>;
  /** cloudtrail:GetEventSelectors. */
  selectors: Outcome<TrailSelectors>;
}

const IAM_SOURCE = "iam.amazonaws.com";

function basicKeepsIamWrites(s: BasicSelector): boolean {
  return s.includeManagementEvents !== false && (s.readWriteType === null || s.readWriteType === "All" || s.readWriteType === "WriteOnly") && !s.excludeManagementEventSources.includes(IAM_SOURCE);
}

/** An advanced selector keeps IAM write management events when each of its conditions lets them through. */
function advancedKeepsIamWrites(fields: readonly AdvancedFieldSelector[]): boolean {
  const category = fields.find((f) => f.field === "eventCategory");
  if (category === undefined || category.otherOperators || !(category.equals ?? []).includes("Management")) return false;
  for (const f of fields) {
    if (f.otherOperators) return false;
    if (f.field === "readOnly") {
      if (f.equals !== null && !f.equals.includes("false")) return false;
      if (f.notEquals !== null && f.notEquals.includes("false")) return false;
    } else if (f.field === "eventSource") {
      if (f.equals !== null && !f.equals.includes(IAM_SOURCE)) return false;
      if (f.notEquals !== null && f.notEquals.includes(IAM_SOURCE)) return false;
    } else if (f.field !== "eventCategory") {
      // Any other condition (eventName, ...) narrows management events in a way not proven here.
      return false;
    }
  }
  return true;
}

/** True when the selectors keep IAM's write management events. No selectors at all: the default, all management events. */
export function selectorsKeepIamWrites(s: TrailSelectors): boolean {
  if (s.basic.length === 0 && s.advanced.length === 0) return true;
  return s.basic.some(basicKeepsIamWrites) || s.advanced.some((a) => advancedKeepsIamWrites(a.fields));
}

type TrailVerdict = { usable: true } | { usable: false; unknown: boolean; why: string[]; fix: string[] };

function judgeTrail(plan: PreflightPlan, t: TrailFacts): TrailVerdict {
  const why: string[] = [];
  const fix: string[] = [];
  let unknown = false;
  const region = `--region ${t.homeRegion}`;
  if (!t.organization) why.push("is not an organization trail (it records the management account only)");
  if (!t.globalServiceEvents) {
    why.push("excludes global service events (IAM)");
    fix.push(`aws cloudtrail update-trail --name ${t.arn} --include-global-service-events ${region}`);
  }
  if (!t.multiRegion && t.homeRegion !== plan.iamEventRegion) {
    why.push(`is a single-Region trail in ${t.homeRegion}, and IAM events arrive in ${plan.iamEventRegion}`);
    fix.push(`aws cloudtrail update-trail --name ${t.arn} --is-multi-region-trail ${region}`);
  }
  if (!t.logging.ok) {
    unknown = true;
    why.push(`status could not be read (${t.logging.message})`);
  } else if (!t.logging.value) {
    why.push("is not logging");
    fix.push(`aws cloudtrail start-logging --name ${t.arn} ${region}`);
  }
  if (!t.selectors.ok) {
    unknown = true;
    why.push(`event selectors could not be read (${t.selectors.message})`);
  } else if (!selectorsKeepIamWrites(t.selectors.value)) {
    why.push("has event selectors that drop IAM write management events");
    fix.push(`aws cloudtrail put-event-selectors --trail-name ${t.arn} ${region} --advanced-event-selectors '[{"Name":"Management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]'   # replaces its selectors: add back any data-event selectors it had`);
  }
  if (why.length === 0) return { usable: true };
  // Only the unreadable parts stand between this trail and "usable": the check could not be completed.
  const definite = why.filter((w) => !/could not be read/.test(w)).length;
  return { usable: false, unknown: unknown && definite === 0, why, fix };
}

export function checkCloudTrail(plan: PreflightPlan, trails: Outcome<TrailFacts[]>): PreflightCheck {
  const id = "cloudtrail";
  if (!plan.rootAccessKeyAlerts) {
    return { id, status: "ok", detail: "not needed: alerting.rootAccessKeyAlerts is false, so no alert depends on CloudTrail events", fix: "" };
  }
  if (!trails.ok) {
    return { id, status: "unknown", detail: `could not list the trails in ${plan.iamEventRegion}: ${trails.message}`, fix: fixForFailure(trails.kind, "cloudtrail:DescribeTrails, GetTrailStatus, GetEventSelectors") };
  }
  const verdicts = trails.value.map((t) => ({ trail: t, verdict: judgeTrail(plan, t) }));
  const good = verdicts.find((v) => v.verdict.usable);
  if (good !== undefined) {
    return { id, status: "ok", detail: `organization trail ${good.trail.name} (${good.trail.arn}) is logging the management events of every account, IAM's included`, fix: "" };
  }
  const create = `aws cloudtrail create-trail --name guardrails-organization-trail --s3-bucket-name <bucket whose policy allows CloudTrail organization delivery> --is-organization-trail --is-multi-region-trail --include-global-service-events --region ${plan.iamEventRegion} && aws cloudtrail start-logging --name guardrails-organization-trail --region ${plan.iamEventRegion}`;
  const optOut = `or turn the root-key alerts off: set "alerting": {"rootAccessKeyAlerts": false} in ${plan.configFile}`;
  if (verdicts.length === 0) {
    return {
      id,
      status: "missing",
      detail: `no trail is visible in ${plan.iamEventRegion}: root CreateAccessKey calls would never reach EventBridge, so the root-key alert would never fire`,
      fix: `${create}\n${optOut}`,
    };
  }
  const describe = verdicts.map(({ trail, verdict }) => (verdict.usable ? "" : `${trail.name} ${verdict.why.join(", ")}`)).join("; ");
  const fixable = verdicts.filter((v) => !v.verdict.usable && v.trail.organization);
  const onlyUnknown = verdicts.every((v) => !v.verdict.usable && v.verdict.unknown);
  if (onlyUnknown) {
    const failed = verdicts.flatMap(({ trail }) => [trail.logging, trail.selectors]).find((o) => !o.ok);
    const kind = failed !== undefined && !failed.ok ? failed.kind : "error";
    return { id, status: "unknown", detail: `could not tell whether a trail logs IAM's management events: ${describe}`, fix: fixForFailure(kind, "cloudtrail:GetTrailStatus and cloudtrail:GetEventSelectors") };
  }
  const fixes = fixable.flatMap((v) => (v.verdict.usable ? [] : v.verdict.fix));
  return {
    id,
    status: "missing",
    detail: `no trail logs the management events of every account (root CreateAccessKey alerts would never fire): ${describe}`,
    fix: [...(fixes.length > 0 ? fixes : [create]), optOut].join("\n"),
  };
}
