/**
 * Per-resource-type comparators: how a guardrail resource is recognised across renames (its
 * semantic identity) and what adding, removing or changing it means for the guardrail.
 */
import { DiffInputError, type Classification, type GuardrailResource } from "./model";
import { comparePolicies, parsePolicy, PolicyParseError, summarizePolicy, type PolicyStatement } from "./scp";
import { block, blocks, flag, text, textList, type SideIndex } from "./values";

export interface Finding {
  classification: Classification;
  explanation: string;
}

export interface Sides {
  base: SideIndex;
  head: SideIndex;
}

export interface Comparator {
  /** Human name of what the resource is, e.g. `SCP "deny-root-access-keys"`. Also the match key. */
  identity(r: GuardrailResource, side: SideIndex): string;
  /** `side` is the head (added) or base (removed) side; `sides` both, to see what else the change adds or removes. */
  added(r: GuardrailResource, side: SideIndex, sides: Sides): Finding[];
  removed(r: GuardrailResource, side: SideIndex, sides: Sides): Finding[];
  changed(base: GuardrailResource, head: GuardrailResource, sides: Sides): Finding[];
}

const weakened = (explanation: string): Finding => ({ classification: "weakened", explanation });
const strengthened = (explanation: string): Finding => ({ classification: "strengthened", explanation });
const neutral = (explanation: string): Finding => ({ classification: "neutral", explanation });

/** Name of the resource an attribute refers to, or the raw value (e.g. an OU id). */
function referencedName(r: GuardrailResource, side: SideIndex, attr: string, nameKeys: string[] = ["name"]): string {
  const raw = text(r.values, attr);
  if (r.unknownAttributes.has(attr) && raw === undefined) return "(known after apply)";
  const target = side.resolve(r, raw);
  if (target) for (const k of nameKeys) { const n = text(target.values, k); if (n) return n; }
  return raw ?? "(unset)";
}

function policyOf(r: GuardrailResource, attr: string): PolicyStatement[] | undefined {
  if (r.unknownAttributes.has(attr) && r.values[attr] === undefined) return undefined;
  try {
    return parsePolicy(r.values[attr] ?? "{}");
  } catch (e) {
    if (e instanceof PolicyParseError) throw new DiffInputError(r.address, `${attr}: ${e.message}`);
    throw e;
  }
}

/** Attribute-level rules for resources whose guardrail value is a few scalar settings. */
type Direction =
  | { kind: "true-is-stronger" }
  | { kind: "false-is-stronger" }
  | { kind: "higher-is-stronger" }
  | { kind: "lower-is-stronger" }
  | { kind: "ranked"; strongestFirst: string[] }
  | { kind: "superset-is-stronger" }
  | { kind: "any-change-weakens"; why?: string }
  /** Unset is the strongest value; setting it, or changing it, weakens (an endpoint override, say). */
  | { kind: "unset-is-stronger"; why: string }
  | { kind: "informational" };
interface Setting {
  label: string;
  read: (v: Record<string, unknown>) => string | number | boolean | string[] | undefined;
  direction: Direction;
}

function compareSettings(settings: Setting[], base: GuardrailResource, head: GuardrailResource): Finding[] {
  const out: Finding[] = [];
  for (const s of settings) {
    const b = s.read(base.values);
    const h = s.read(head.values);
    if (JSON.stringify(b) === JSON.stringify(h)) continue;
    const shown = (v: unknown) => (v === undefined ? "unset" : Array.isArray(v) ? `[${v.join(", ")}]` : String(v));
    const line = `${s.label} ${shown(b)} → ${shown(h)}`;
    const d = s.direction;
    if (d.kind === "informational") out.push(neutral(line));
    else if (d.kind === "any-change-weakens") out.push(weakened(`${line} (${d.why ?? "changed; cannot prove it is not weaker"})`));
    else if (d.kind === "unset-is-stronger") out.push(h === undefined ? strengthened(line) : weakened(`${line} (${d.why})`));
    else if (d.kind === "superset-is-stronger") {
      const bl = Array.isArray(b) ? b : [];
      const hl = Array.isArray(h) ? h : [];
      const lost = bl.filter((x) => !hl.includes(x));
      const gained = hl.filter((x) => !bl.includes(x));
      if (lost.length) out.push(weakened(`${s.label}: removed ${lost.join(", ")}`));
      if (gained.length) out.push(strengthened(`${s.label}: added ${gained.join(", ")}`));
    } else {
      const rank = (v: unknown): number | undefined => {
        if (v === undefined) return undefined;
        if (d.kind === "true-is-stronger") return v === true || v === "true" ? 1 : 0;
        if (d.kind === "false-is-stronger") return v === true || v === "true" ? 0 : 1;
        if (d.kind === "higher-is-stronger") return typeof v === "number" ? v : Number(v);
        if (d.kind === "lower-is-stronger") return -(typeof v === "number" ? v : Number(v));
        const i = d.strongestFirst.indexOf(String(v));
        return i < 0 ? undefined : -i;
      };
      const rb = rank(b);
      const rh = rank(h);
      if (rb === undefined || rh === undefined || Number.isNaN(rb) || Number.isNaN(rh)) out.push(weakened(`${line} (cannot rank; review)`));
      else out.push(rh < rb ? weakened(line) : rh > rb ? strengthened(line) : neutral(line));
    }
  }
  return out;
}

/** A comparator for resources that are a guardrail by existing, plus a few ranked settings. */
function settingsComparator(what: string, identity: (r: GuardrailResource, side: SideIndex) => string, settings: Setting[], removedIs: Classification = "weakened"): Comparator {
  return {
    identity: (r, side) => `${what} ${identity(r, side)}`.trim(),
    added: () => [removedIs === "weakened" ? strengthened(`${what} added`) : neutral(`${what} added`)],
    removed: () => [{ classification: removedIs, explanation: `${what} removed` }],
    changed: (b, h) => compareSettings(settings, b, h),
  };
}

const quoted = (s: string | undefined) => (s === undefined ? "" : `"${s}"`);
const regionOf = (r: GuardrailResource) => (r.region ? `(${r.region})` : "");

/* ------------------------------------------------------------------ policies */

const scpComparator: Comparator = {
  identity: (r) => `SCP ${quoted(text(r.values, "name"))}`,
  added: (r) => [strengthened(`SCP added: ${summarizePolicy(policyOf(r, "content") ?? [])}`)],
  removed: () => [weakened("SCP removed: its denies no longer apply")],
  changed: (b, h) => {
    const hp = policyOf(h, "content");
    if (!hp) return [neutral("policy content is known only after apply; compare after apply")];
    return comparePolicies(policyOf(b, "content") ?? [], hp);
  },
};

const scpAttachment: Comparator = {
  identity: (r, side) => `SCP ${quoted(referencedName(r, side, "policy_id"))} attached to ${text(r.values, "target_id") ?? "(known after apply)"}`,
  added: () => [strengthened("SCP attached to target")],
  removed: () => [weakened("SCP detached from target")],
  changed: () => [],
};

/* ------------------------------------------------------------------ Security Hub */

const controlsConfig = (v: Record<string, unknown>) => block(block(v, "configuration_policy"), "security_controls_configuration");

/**
 * Reason and expiry of a disabled control, where the modules record them: a structured cdktf
 * comment (`"//": {"guardrails": {"disabledControls": [{controlId, reason, expires}]}}`, synth only),
 * else the segment of the description (or a tag) that names the control (synth and plans).
 */
function disableReason(r: GuardrailResource, controlId: string): string {
  const annotated = (r.annotations.disabledControls ?? []).find((d) => d.controlId === controlId);
  if (annotated) return `${annotated.reason ?? "no reason recorded"} (expires ${annotated.expires ?? "never: no expiry recorded"})`;
  const sources = [text(r.values, "description") ?? "", ...Object.values((r.values.tags ?? {}) as Record<string, unknown>).map(String)];
  for (const s of sources) {
    for (const part of s.split(/[;\n]/)) {
      if (!part.includes(controlId)) continue;
      // The modules' format: `<id> disabled until <date>: <reason>` (reason dropped when the description is full).
      const m = /disabled until (\S+?)(?:: (.*))?$/.exec(part.trim());
      return m ? `${m[2] ?? "reason not recorded (description full)"} (expires ${m[1]})` : part.trim();
    }
  }
  return "no reason recorded";
}

const configurationPolicy: Comparator = {
  identity: (r) => `Security Hub configuration policy ${quoted(text(r.values, "name"))}`,
  added: (r) => [strengthened(`configuration policy added: standards ${textList(block(r.values, "configuration_policy"), "enabled_standard_arns").join(", ") || "none"}`)],
  removed: () => [weakened("configuration policy removed: standards and control settings no longer applied centrally")],
  changed: (b, h) => {
    const out: Finding[] = [];
    const bp = block(b.values, "configuration_policy");
    const hp = block(h.values, "configuration_policy");
    if (flag(bp, "service_enabled") !== false && flag(hp, "service_enabled") === false) out.push(weakened("Security Hub disabled by the policy (service_enabled false)"));
    if (flag(bp, "service_enabled") === false && flag(hp, "service_enabled") !== false) out.push(strengthened("Security Hub enabled by the policy"));
    const bs = textList(bp, "enabled_standard_arns");
    const hs = textList(hp, "enabled_standard_arns");
    for (const s of bs.filter((x) => !hs.includes(x))) out.push(weakened(`standard removed: ${s}`));
    for (const s of hs.filter((x) => !bs.includes(x))) out.push(strengthened(`standard added: ${s}`));
    const bd = textList(controlsConfig(b.values), "disabled_control_identifiers");
    const hd = textList(controlsConfig(h.values), "disabled_control_identifiers");
    for (const c of hd.filter((x) => !bd.includes(x))) out.push(weakened(`control ${c} disabled: ${disableReason(h, c)}`));
    for (const c of bd.filter((x) => !hd.includes(x))) out.push(strengthened(`control ${c} no longer disabled`));
    const be = textList(controlsConfig(b.values), "enabled_control_identifiers");
    const he = textList(controlsConfig(h.values), "enabled_control_identifiers");
    for (const c of be.filter((x) => !he.includes(x))) out.push(weakened(`control ${c} no longer in the enabled list`));
    for (const c of he.filter((x) => !be.includes(x))) out.push(strengthened(`control ${c} enabled`));
    if (!out.length && text(b.values, "description") !== text(h.values, "description")) out.push(neutral("description changed"));
    return out;
  },
};

const controlAssociation: Comparator = {
  identity: (r) => `control ${text(r.values, "security_control_id")} in ${text(r.values, "standards_arn")} ${regionOf(r)}`.trim(),
  added: (r) => (text(r.values, "association_status") === "DISABLED" ? [weakened(`control disabled: ${text(r.values, "updated_reason") ?? "no reason recorded"}`)] : [neutral("control association added")]),
  removed: (r) => (text(r.values, "association_status") === "DISABLED" ? [strengthened("control no longer disabled")] : [weakened("control association removed")]),
  changed: (b, h) => {
    const bs = text(b.values, "association_status");
    const hs = text(h.values, "association_status");
    if (bs === hs) return text(b.values, "updated_reason") !== text(h.values, "updated_reason") ? [neutral(`reason changed: ${text(h.values, "updated_reason") ?? ""}`)] : [];
    return hs === "DISABLED" ? [weakened(`control disabled: ${text(h.values, "updated_reason") ?? "no reason recorded"}`)] : [strengthened(`control ${hs ?? "enabled"}`)];
  },
};

const legacyControl = settingsComparator("control", (r) => text(r.values, "standards_control_arn") ?? "", [
  { label: "control_status", read: (v) => text(v, "control_status"), direction: { kind: "ranked", strongestFirst: ["ENABLED", "DISABLED"] } },
]);

/* ------------------------------------------------------------------ Config */

/** Which way each known managed-rule parameter tightens. Unknown parameters: any change is reviewed. */
const RULE_PARAMETER_DIRECTION: Record<string, "lower-is-stronger" | "higher-is-stronger"> = {
  maxAccessKeyAge: "lower-is-stronger",
  maxCredentialUsageAge: "lower-is-stronger",
  MaxPasswordAge: "lower-is-stronger",
  MinimumPasswordLength: "higher-is-stronger",
  PasswordReusePrevention: "higher-is-stronger",
};

function ruleParameters(r: GuardrailResource): Record<string, string> {
  const raw = text(r.values, "input_parameters");
  if (raw === undefined || raw === "") return {};
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    throw new DiffInputError(r.address, `input_parameters is not JSON: ${raw}`);
  }
}

const configRule: Comparator = {
  identity: (r) => `Config rule ${quoted(text(r.values, "name") ?? text(r.values, "rule_identifier"))}`,
  added: () => [strengthened("Config rule added")],
  removed: (r) => [weakened(`Config rule removed (${text(r.values, "rule_identifier") ?? text(block(r.values, "source"), "source_identifier") ?? "custom"})`)],
  changed: (b, h) => {
    const out: Finding[] = [];
    const bi = text(b.values, "rule_identifier") ?? text(block(b.values, "source"), "source_identifier");
    const hi = text(h.values, "rule_identifier") ?? text(block(h.values, "source"), "source_identifier");
    if (bi !== hi) out.push(weakened(`rule identifier ${bi} → ${hi}: a different check now runs`));
    const bp = ruleParameters(b);
    const hp = ruleParameters(h);
    for (const key of [...new Set([...Object.keys(bp), ...Object.keys(hp)])].sort()) {
      const [bv, hv] = [bp[key], hp[key]];
      if (bv === hv) continue;
      const line = `${key} ${bv ?? "unset"} → ${hv ?? "unset"}`;
      const dir = RULE_PARAMETER_DIRECTION[key];
      const [bn, hn] = [Number(bv), Number(hv)];
      if (!dir || bv === undefined || hv === undefined || Number.isNaN(bn) || Number.isNaN(hn)) out.push(weakened(`${line} (cannot rank; review)`));
      else if (dir === "lower-is-stronger") out.push(hn > bn ? weakened(`${line} (relaxed)`) : strengthened(`${line} (tightened)`));
      else out.push(hn < bn ? weakened(`${line} (relaxed)`) : strengthened(`${line} (tightened)`));
    }
    const be = textList(b.values, "excluded_accounts");
    const he = textList(h.values, "excluded_accounts");
    const newlyExcluded = he.filter((a) => !be.includes(a));
    if (newlyExcluded.length) out.push(weakened(`now excludes accounts ${newlyExcluded.join(", ")}`));
    const reincluded = be.filter((a) => !he.includes(a));
    if (reincluded.length) out.push(strengthened(`no longer excludes accounts ${reincluded.join(", ")}`));
    return out;
  },
};

const aggregator = settingsComparator("Config aggregator", (r) => quoted(text(r.values, "name")), [
  { label: "all_regions", read: (v) => flag(block(v, "organization_aggregation_source"), "all_regions") ?? flag(block(v, "account_aggregation_source"), "all_regions"), direction: { kind: "true-is-stronger" } },
  { label: "regions", read: (v) => textList(block(v, "organization_aggregation_source") ?? block(v, "account_aggregation_source"), "regions"), direction: { kind: "superset-is-stronger" } },
  { label: "organization-wide", read: (v) => block(v, "organization_aggregation_source") !== undefined, direction: { kind: "true-is-stronger" } },
]);

export { compareSettings, blocks, configRule, controlAssociation, legacyControl, scpAttachment, scpComparator, configurationPolicy, aggregator, settingsComparator, referencedName, regionOf, quoted, policyOf, weakened, strengthened, neutral };
export type { Setting };
