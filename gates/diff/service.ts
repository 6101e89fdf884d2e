/**
 * Comparators for the gate service's resources (modules/gate-service, DESIGN.md section 10): the sweep schedule,
 * the state machines (the function: service-function.ts), CloudWatch alarms (generic: the service pages through EventBridge rules now)
 * and the log groups. Also the rule that a resource removed only because what it serves is removed in the same
 * change (an event target with its rule, an alarm or a failed-execution rule with its state machines, a log group
 * with its function) is that removal's consequence, reported neutral, so that removing the whole service is one
 * weakened line per guardrail.
 */
import type { GuardrailResource } from "./model";
import { compareSettings, neutral, quoted, regionOf, strengthened, weakened, type Comparator, type Finding, type Sides } from "./rules";
import { block, blocks, canonicalJsonValue, flag, isRecord, text, textList, type SideIndex } from "./values";

/** The identity of `r` (a base resource) when the change removes it, else undefined. */
function goneIdentity(r: GuardrailResource | undefined, sides: Sides): string | undefined {
  const identity = r && sides.base.identityOf(r);
  return r && identity !== undefined && !sides.head.hasIdentity(r.type, identity) ? identity : undefined;
}

/** `comparator`, except that removing the resource together with its parent (`parentOf`) is neutral. */
export function removedWithParent(comparator: Comparator, parentOf: (r: GuardrailResource, side: SideIndex) => GuardrailResource | undefined): Comparator {
  return {
    ...comparator,
    removed: (r, side, sides) => {
      const parent = goneIdentity(parentOf(r, side), sides);
      return parent ? [neutral(`removed with ${parent}`)] : comparator.removed(r, side, sides);
    },
  };
}

/** `comparator`, except that removing the resource together with everything that names it is neutral. */
export function removedWithUsers(comparator: Comparator): Comparator {
  return {
    ...comparator,
    removed: (r, side, sides) => {
      const referrers = side.referrers(r);
      const users = referrers.map((u) => goneIdentity(u, sides));
      if (users.length === 0 || users.some((u) => u === undefined)) return comparator.removed(r, side, sides);
      // Named by what uses it: not its own settings (aws_s3_bucket_*, aws_sns_topic_*) nor the policies granting access to it.
      const shown = referrers.filter((u) => !u.type.startsWith(`${r.type}_`) && !u.type.startsWith("aws_iam_")).map((u) => goneIdentity(u, sides)!);
      return [neutral(`removed with ${[...new Set(shown.length ? shown : (users as string[]))].join(", ")}`)];
    },
  };
}

/** The parent an attribute names, looked up as that type. */
export const parentBy = (attr: string, type: string) => (r: GuardrailResource, side: SideIndex): GuardrailResource | undefined => side.resolve(r, text(r.values, attr), type);

/** What a target ARN names, the same on both sides: a state machine by name, else the value. */
function targetName(r: GuardrailResource, side: SideIndex, arn: string | undefined): string {
  const target = side.resolve(r, arn);
  if (target?.type === "aws_sfn_state_machine") return `state machine ${quoted(text(target.values, "name"))}`;
  const m = /:stateMachine:([^:]+)$/.exec(arn ?? "");
  return m ? `state machine ${quoted(m[1])}` : (arn ?? "(unset)");
}

/* ------------------------------------------------------------------ the sweep schedule */

const MINUTES_PER_UNIT: Record<string, number> = { minute: 1, hour: 60, day: 1440 };
/** Weekdays and months as EventBridge Scheduler cron expressions name them (1 = SUN, 1 = JAN). */
const NAMES: Record<string, number> = Object.fromEntries([
  ..."SUN MON TUE WED THU FRI SAT".split(" ").map((d, i) => [d, i + 1] as const),
  ..."JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(" ").map((m, i) => [m, i + 1] as const),
]);

/** One cron field as the values it matches, or undefined for what this ranking does not model (L, W, #). */
function cronField(field: string, min: number, max: number): Set<number> | undefined {
  if (field === "*" || field === "?") return new Set(Array.from({ length: max - min + 1 }, (_, i) => min + i));
  const out = new Set<number>();
  const value = (s: string): number => (NAMES[s.toUpperCase()] ?? (/^\d+$/.test(s) ? Number(s) : NaN));
  for (const part of field.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = m[1] === "*" ? min : value(m[1]!);
    const to = m[2] !== undefined ? value(m[2]) : m[3] !== undefined || m[1] === "*" ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if ([from, to, step].some(Number.isNaN) || step < 1 || from < min || to > max) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** 52 weeks from a Monday, so every weekday counts the same. */
const WINDOW_START = Date.UTC(2024, 0, 1);
const WINDOW_DAYS = 364;

/**
 * How often a schedule runs: its runs in 52 weeks, or undefined when it cannot be ranked. Expressions as
 * EventBridge Scheduler writes them: `rate(value unit)`, and `cron(minutes hours day-of-month month day-of-week year)`
 * where one of the day fields is `?` (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
 */
export function runsIn52Weeks(expression: string | undefined): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression ?? "");
  if (rate) return Math.floor((WINDOW_DAYS * 1440) / (Number(rate[1]) * MINUTES_PER_UNIT[rate[2]!]!));
  const cron = /^cron\((.+)\)$/.exec(expression ?? "");
  const fields = cron?.[1]!.trim().split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [minutes, hours, days, months, weekdays, years] = [cronField(fields[0]!, 0, 59), cronField(fields[1]!, 0, 23), cronField(fields[2]!, 1, 31), cronField(fields[3]!, 1, 12), cronField(fields[4]!, 1, 7), cronField(fields[5]!, 1970, 2199)];
  if (!minutes || !hours || !days || !months || !weekdays || !years) return undefined;
  let runs = 0;
  for (let d = 0; d < WINDOW_DAYS; d++) {
    const date = new Date(WINDOW_START + d * 86_400_000);
    if (years.has(date.getUTCFullYear()) && months.has(date.getUTCMonth() + 1) && days.has(date.getUTCDate()) && weekdays.has(date.getUTCDay() + 1)) runs += minutes.size * hours.size;
  }
  return runs;
}

interface SweepInput {
  revoke: boolean;
  /** Empty: the whole organization. */
  ouIds: string[];
}

/** The sweep's input `{ouIds?, revoke?}` (gates/service: absent = the whole organization, no revoke), or undefined if not JSON. */
function sweepInput(v: Record<string, unknown>): SweepInput | undefined {
  const raw = text(block(v, "target"), "input");
  if (raw === undefined) return { revoke: false, ouIds: [] };
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!isRecord(parsed)) return undefined;
    return { revoke: parsed.revoke === true, ouIds: textList(parsed, "ouIds") };
  } catch {
    return undefined;
  }
}

function compareSweepInput(b: Record<string, unknown>, h: Record<string, unknown>): Finding[] {
  const [bi, hi] = [sweepInput(b), sweepInput(h)];
  if (!bi || !hi) {
    const [braw, hraw] = [text(block(b, "target"), "input"), text(block(h, "target"), "input")];
    return canonicalJsonValue(braw) === canonicalJsonValue(hraw) ? [] : [weakened(`target input ${braw ?? "unset"} → ${hraw ?? "unset"} (changed; cannot prove it is not weaker)`)];
  }
  const out: Finding[] = [];
  if (bi.revoke && !hi.revoke) out.push(weakened("input revoke true → false: accounts no longer PASS keep their ready tag"));
  if (!bi.revoke && hi.revoke) out.push(strengthened("input revoke false → true: the ready tag is removed from accounts that are not PASS"));
  const scope = (ous: string[]) => (ous.length ? `[${ous.join(", ")}]` : "the whole organization");
  if (!bi.ouIds.length && hi.ouIds.length) out.push(weakened(`input ouIds ${scope(bi.ouIds)} → ${scope(hi.ouIds)}: sweeps fewer accounts`));
  else if (bi.ouIds.length && !hi.ouIds.length) out.push(strengthened(`input ouIds ${scope(bi.ouIds)} → ${scope(hi.ouIds)}`));
  else {
    const lost = bi.ouIds.filter((o) => !hi.ouIds.includes(o));
    const gained = hi.ouIds.filter((o) => !bi.ouIds.includes(o));
    if (lost.length) out.push(weakened(`input ouIds: removed ${lost.join(", ")}: sweeps fewer accounts`));
    if (gained.length) out.push(strengthened(`input ouIds: added ${gained.join(", ")}`));
  }
  return out;
}

/** The provider's default state is ENABLED (website/docs/r/scheduler_schedule.html.markdown, `state`: "One of: ENABLED (default), DISABLED"). */
const scheduleState = (v: Record<string, unknown>): string => text(v, "state") ?? "ENABLED";

export const scheduleComparator: Comparator = {
  identity: (r) => `schedule ${quoted(`${text(r.values, "group_name") && text(r.values, "group_name") !== "default" ? `${text(r.values, "group_name")}/` : ""}${text(r.values, "name") ?? text(r.values, "name_prefix")}`)} ${regionOf(r)}`.trim(),
  added: (r, side) =>
    scheduleState(r.values) === "DISABLED"
      ? [neutral("schedule added, DISABLED")]
      : [strengthened(`schedule added: starts ${targetName(r, side, text(block(r.values, "target"), "arn"))} on ${text(r.values, "schedule_expression")}`)],
  removed: (r, side) => [weakened(`schedule removed: ${targetName(r, side, text(block(r.values, "target"), "arn"))} no longer runs on a schedule`)],
  changed: (b, h, sides) => {
    const out = compareSettings([{ label: "state", read: scheduleState, direction: { kind: "ranked", strongestFirst: ["ENABLED", "DISABLED"] } }], b, h);
    const [bt, ht] = [targetName(b, sides.base, text(block(b.values, "target"), "arn")), targetName(h, sides.head, text(block(h.values, "target"), "arn"))];
    if (bt !== ht) out.push(weakened(`target ${bt} → ${ht}: no longer starts ${bt}`));
    out.push(...compareSweepInput(b.values, h.values));
    const [be, he] = [text(b.values, "schedule_expression"), text(h.values, "schedule_expression")];
    if (be !== he) {
      const [br, hr] = [runsIn52Weeks(be), runsIn52Weeks(he)];
      const line = `schedule_expression ${be} → ${he}`;
      // More runs: evidence is fresher and revocations come sooner; fewer runs: the opposite.
      if (br === undefined || hr === undefined) out.push(weakened(`${line} (cannot rank; review)`));
      else if (hr < br) out.push(weakened(`${line} (less frequent: ${br} → ${hr} runs in 52 weeks)`));
      else if (hr > br) out.push(strengthened(`${line} (more frequent: ${br} → ${hr} runs in 52 weeks)`));
      else out.push(neutral(`${line} (as frequent: ${hr} runs in 52 weeks)`));
    }
    // `end_date`: "the date, in UTC, before which the schedule can invoke its target" (provider docs, as above).
    const [bd, hd] = [text(b.values, "end_date"), text(h.values, "end_date")];
    if (bd !== hd) out.push(hd === undefined ? strengthened(`end_date ${bd} → unset`) : bd !== undefined && hd > bd ? strengthened(`end_date ${bd} → ${hd}`) : weakened(`end_date ${bd ?? "unset"} → ${hd}: the schedule stops then`));
    const timezone = compareSettings([{ label: "schedule_expression_timezone", read: (v) => text(v, "schedule_expression_timezone") ?? "UTC", direction: { kind: "informational" } }], b, h);
    return [...out, ...timezone];
  },
};

/* ------------------------------------------------------------------ state machines */

interface MapSettings {
  toleratedPercentage: number;
  toleratedCount: number;
  /** Tolerance read from the input at run time: cannot be ranked. */
  toleratedPath: string | undefined;
  maxConcurrency: unknown;
  batchSize: unknown;
}

/** Each Map state of a definition (nested ones too) by path, and the definition without the settings ranked here. */
function mapStates(definition: unknown, prefix = ""): { maps: Map<string, MapSettings>; rest: unknown } {
  const maps = new Map<string, MapSettings>();
  const strip = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => strip(n, path));
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === "States" && isRecord(v) ? Object.fromEntries(Object.entries(v).map(([name, st]) => [name, strip(st, `${path}${name}`)])) : strip(v, path);
    if (out.Type === "Map") {
      // Absent = 0: the Map run fails on the first failed item (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
      maps.set(path, {
        toleratedPercentage: Number(out.ToleratedFailurePercentage ?? 0),
        toleratedCount: Number(out.ToleratedFailureCount ?? 0),
        toleratedPath: (out.ToleratedFailurePercentagePath ?? out.ToleratedFailureCountPath) as string | undefined,
        maxConcurrency: out.MaxConcurrency,
        batchSize: isRecord(out.ItemBatcher) ? out.ItemBatcher.MaxItemsPerBatch : undefined,
      });
      for (const k of ["ToleratedFailurePercentage", "ToleratedFailureCount", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "MaxConcurrency"]) delete out[k];
      if (isRecord(out.ItemBatcher)) out.ItemBatcher = { ...out.ItemBatcher, MaxItemsPerBatch: undefined };
    }
    return out;
  };
  return { maps, rest: strip(definition, prefix) };
}

function parseDefinition(raw: string | undefined): unknown {
  try {
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return raw;
  }
}

function compareDefinitions(braw: string | undefined, hraw: string | undefined): Finding[] {
  const [b, h] = [mapStates(parseDefinition(braw)), mapStates(parseDefinition(hraw))];
  const out: Finding[] = [];
  for (const [path, bm] of b.maps) {
    const hm = h.maps.get(path);
    if (!hm) continue; // The rest of the definition differs then, reported below.
    const where = `Map state "${path}"`;
    if (hm.toleratedPath !== bm.toleratedPath) out.push(weakened(`${where} tolerated failures read from ${hm.toleratedPath ?? "the definition"} (cannot rank; review)`));
    for (const [label, bv, hv] of [["ToleratedFailurePercentage", bm.toleratedPercentage, hm.toleratedPercentage], ["ToleratedFailureCount", bm.toleratedCount, hm.toleratedCount]] as const) {
      if (hv > bv) out.push(weakened(`${where} ${label} ${bv} → ${hv}: the map succeeds with failed items, so accounts go unchecked`));
      else if (hv < bv) out.push(strengthened(`${where} ${label} ${bv} → ${hv}`));
    }
    for (const [label, bv, hv] of [["MaxConcurrency", bm.maxConcurrency, hm.maxConcurrency], ["MaxItemsPerBatch", bm.batchSize, hm.batchSize]] as const) {
      if (bv !== hv) out.push(neutral(`${where} ${label} ${String(bv ?? "unset")} → ${String(hv ?? "unset")}`));
    }
  }
  if (canonicalJsonValue(b.rest) !== canonicalJsonValue(h.rest)) out.push(weakened("definition changed (changed; cannot prove it is not weaker)"));
  return out;
}

/** Log levels, most kept first (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html). */
const SFN_LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"];

export const stateMachineComparator: Comparator = {
  identity: (r) => `state machine ${quoted(text(r.values, "name"))} ${regionOf(r)}`.trim(),
  added: () => [strengthened("state machine added")],
  removed: () => [weakened("state machine removed")],
  changed: (b, h) => [
    ...compareDefinitions(text(b.values, "definition"), text(h.values, "definition")),
    ...compareSettings([
      // Unset is OFF ("By default, the level is set to OFF":
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-loggingconfiguration.html).
      { label: "logging level", read: (v) => text(block(v, "logging_configuration"), "level") ?? "OFF", direction: { kind: "ranked", strongestFirst: SFN_LOG_LEVELS } },
      // Without execution data an ExecutionFailed record no longer carries the input and error that show which
      // account's check failed and why ("When set to false, data is excluded", same page); unset is false.
      { label: "logging include_execution_data", read: (v) => flag(block(v, "logging_configuration"), "include_execution_data") ?? false, direction: { kind: "true-is-stronger" } },
    ], b, h),
  ],
};

/* ------------------------------------------------------------------ alarms and logs */

/** The state machines an alarm watches (dimension StateMachineArn, in its metric or its metric queries). */
function watchedStateMachines(r: GuardrailResource, side: SideIndex): (GuardrailResource | undefined)[] {
  const dims = [block(r.values, "dimensions"), ...blocks(r.values, "metric_query").map((q) => block(block(q, "metric"), "dimensions"))];
  const arns = [...new Set(dims.map((d) => text(d, "StateMachineArn")).filter((a): a is string => a !== undefined))];
  return arns.map((arn) => side.resolve(r, arn, "aws_sfn_state_machine") ?? side.resolve(r, /:stateMachine:([^:]+)$/.exec(arn)?.[1], "aws_sfn_state_machine"));
}

/** Alarm actions by what they name (a topic by name), so a renamed construct is no change. */
const alarmActions = (r: GuardrailResource, side: SideIndex): string[] =>
  textList(r.values, "alarm_actions").map((a) => {
    const target = side.resolve(r, a, "aws_sns_topic");
    return target ? `topic ${quoted(text(target.values, "name"))}` : a;
  });

/** Alarm metrics and thresholds; any change may stop it firing. */
const ALARM_CONDITION = ["metric_query", "metric_name", "namespace", "dimensions", "statistic", "period", "threshold", "comparison_operator", "evaluation_periods", "datapoints_to_alarm", "treat_missing_data"];

export const alarmComparator: Comparator = {
  identity: (r) => `alarm ${quoted(text(r.values, "alarm_name"))} ${regionOf(r)}`.trim(),
  added: () => [strengthened("alarm added")],
  removed: (r, side, sides) => {
    const watched = watchedStateMachines(r, side).map((s) => goneIdentity(s, sides));
    return watched.length > 0 && watched.every((w) => w !== undefined) ? [neutral(`removed with ${watched.join(", ")}`)] : [weakened("alarm removed: failed executions no longer page")];
  },
  changed: (b, h, sides) => {
    const [ba, ha] = [alarmActions(b, sides.base), alarmActions(h, sides.head)];
    const lost = ba.filter((a) => !ha.includes(a));
    const gained = ha.filter((a) => !ba.includes(a));
    const out: Finding[] = [];
    if (lost.length) out.push(weakened(ha.length ? `alarm_actions: removed ${lost.join(", ")}` : `alarm_actions emptied (was ${lost.join(", ")}): the alarm pages no one`));
    if (gained.length) out.push(strengthened(`alarm_actions: added ${gained.join(", ")}`));
    // `actions_enabled` defaults to true (provider docs, website/docs/r/cloudwatch_metric_alarm.html.markdown).
    out.push(...compareSettings([
      { label: "actions_enabled", read: (v) => flag(v, "actions_enabled") ?? true, direction: { kind: "true-is-stronger" } },
      { label: "alarm condition", read: (v) => canonicalJsonValue(Object.fromEntries(ALARM_CONDITION.map((k) => [k, v[k]]))), direction: { kind: "any-change-weakens" } },
    ], b, h).map((f) => (f.explanation.startsWith("alarm condition") ? { ...f, explanation: "alarm condition changed (metric, threshold or evaluation; cannot prove it is not weaker)" } : f)));
    return out;
  },
};

/** The state machines an event rule's pattern names (detail.stateMachineArn), by name, on this side. */
function patternStateMachines(r: GuardrailResource, side: SideIndex): (GuardrailResource | undefined)[] {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text(r.values, "event_pattern") ?? "null") as unknown;
  } catch {
    return [];
  }
  const detail = isRecord(pattern) ? block(pattern, "detail") : undefined;
  const arns = textList(detail, "stateMachineArn");
  return arns.map((arn) => side.resolve(r, /:stateMachine:([^:/]+)$/.exec(arn)?.[1], "aws_sfn_state_machine"));
}

/**
 * `comparator` (event rules), except that a rule whose pattern watches state machines (the gate service's
 * failed-execution rules, in its stack and in security tooling) removed together with all of them is neutral.
 */
export function removedWithWatchedStateMachines(comparator: Comparator): Comparator {
  return {
    ...comparator,
    removed: (r, side, sides) => {
      const watched = patternStateMachines(r, side).map((m) => goneIdentity(m, sides));
      return watched.length > 0 && watched.every((w) => w !== undefined) ? [neutral(`removed with ${watched.join(", ")}`)] : comparator.removed(r, side, sides);
    },
  };
}

/** Retention in days; 0 or unset keeps events forever (provider docs, website/docs/r/cloudwatch_log_group.html.markdown, `retention_in_days`). */
const retention = (v: Record<string, unknown>): number => {
  const days = Number(text(v, "retention_in_days") ?? 0);
  return days === 0 ? Number.POSITIVE_INFINITY : days;
};
const shownRetention = (days: number): string => (days === Number.POSITIVE_INFINITY ? "never expire" : String(days));

export const logGroupComparator: Comparator = removedWithUsers({
  identity: (r) => `log group ${quoted(text(r.values, "name"))} ${regionOf(r)}`.trim(),
  added: () => [strengthened("log group added")],
  removed: () => [weakened("log group removed")],
  changed: (b, h) => {
    const [bd, hd] = [retention(b.values), retention(h.values)];
    if (bd === hd) return [];
    const line = `retention_in_days ${shownRetention(bd)} → ${shownRetention(hd)}`;
    return [hd < bd ? weakened(`${line} (shortened)`) : strengthened(`${line} (lengthened)`)];
  },
});
