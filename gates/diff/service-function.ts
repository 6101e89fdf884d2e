/**
 * The gate service's function (modules/gate-service): the gate settings it runs with, ranked as the CLI's flags
 * would be, and its role.
 */
import { SETTINGS_ENV } from "../service/settings";
import { compareSettings, quoted, regionOf, strengthened, weakened, type Comparator, type Setting } from "./rules";
import { block, flag, isRecord, text, textList } from "./values";

/** The gate's settings the function runs with (its SETTINGS_ENV variable), as the CLI's flags would be ranked. */
const settingsOf = (v: Record<string, unknown>): Record<string, unknown> => {
  try {
    const parsed = JSON.parse(text(block(block(v, "environment"), "variables"), SETTINGS_ENV) ?? "{}") as unknown;
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
};

/** A setting shown as text (numbers and objects included), so any change is a line. */
const shownSetting = (key: string) => (v: Record<string, unknown>): string | undefined => {
  const value = settingsOf(v)[key];
  return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
};

/**
 * Every field of the settings (gates/service/settings.ts) is here, so no change to them goes unseen. Ranked as
 * what a reviewer must not miss: a weaker decision (as the CLI's flags), a tag or OU the verdict no longer
 * governs, findings or evidence in another place. The rest only change how the work is done; a wrong value
 * there fails closed (INCONCLUSIVE, or GuardrailsMisconfigured before any request), so it is shown, not ranked.
 */
const FUNCTION_SETTINGS: Setting[] = [
  { label: "gate require", read: (v) => textList(settingsOf(v), "require"), direction: { kind: "superset-is-stronger" } },
  { label: "gate acceptNoRootCredentials", read: (v) => flag(settingsOf(v), "acceptNoRootCredentials"), direction: { kind: "false-is-stronger" } },
  { label: "gate maxAccessKeyAgeDays", read: (v) => text(settingsOf(v), "maxAccessKeyAgeDays"), direction: { kind: "lower-is-stronger" } },
  // The sweep revokes, and promote sets, only this key: accounts that carry the old one keep it, unrevoked.
  { label: "gate tagKey", read: shownSetting("tagKey"), direction: { kind: "any-change-weakens", why: "accounts still tagged with the old key are no longer revoked by the sweep" } },
  { label: "gate productionOuId", read: shownSetting("productionOuId"), direction: { kind: "any-change-weakens", why: "promote moves accounts into another OU; cannot prove its SCPs are the same" } },
  { label: "gate securityHubAccountId", read: shownSetting("securityHubAccountId"), direction: { kind: "any-change-weakens", why: "IAM.4 and IAM.3 findings are read from another account; cannot prove it is the delegated administrator" } },
  { label: "gate evidenceBucket", read: shownSetting("evidenceBucket"), direction: { kind: "any-change-weakens", why: "evidence goes to another bucket; cannot prove it keeps it under object lock" } },
  // Absent in the deployed function (the SDK's own endpoints); set, every AWS answer the gate trusts comes from there.
  { label: "gate endpointUrl", read: shownSetting("endpointUrl"), direction: { kind: "unset-is-stronger", why: "the function's AWS calls go to that endpoint, which answers for AWS" } },
  ...(["partition", "homeRegion", "managementAccountId", "roleName", "ownerTagKey", "evidencePrefix", "workBucket", "batchSize", "concurrency", "timeoutMs", "callTimeoutMs", "maxWaitSeconds", "waitBackoff"] as const).map(
    (key): Setting => ({ label: `gate ${key}`, read: shownSetting(key), direction: { kind: "informational" } }),
  ),
];

export const functionComparator: Comparator = {
  identity: (r) => `function ${quoted(text(r.values, "function_name"))} ${regionOf(r)}`.trim(),
  added: () => [strengthened("function added")],
  removed: () => [weakened("function removed: the gate service's steps no longer run")],
  changed: (b, h, sides) => {
    const out = compareSettings(FUNCTION_SETTINGS, b, h);
    // Another role's policies are not compared with this one's: a switch cannot be shown not to widen.
    const [br, hr] = [sides.base.resolve(b, text(b.values, "role")), sides.head.resolve(h, text(h.values, "role"))];
    const [bn, hn] = [br ? text(br.values, "name") : text(b.values, "role"), hr ? text(hr.values, "name") : text(h.values, "role")];
    if (bn !== hn) out.push(weakened(`role ${quoted(bn)} → ${quoted(hn)} (changed; cannot prove it is not weaker)`));
    return out;
  },
};
