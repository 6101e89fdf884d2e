/**
 * The only things `modules/` (what is provisioned) and `gates/` (what is checked) share:
 * identifiers both sides must agree on. Changing one here changes both the provisioned
 * permissions and the gate's expectations in the same commit.
 */

/** Security Hub consolidated control ids the gate decides on. */
export const CONTROL_IAM4 = "IAM.4";
export const CONTROL_IAM3 = "IAM.3";
export type ControlId = typeof CONTROL_IAM4 | typeof CONTROL_IAM3;
export const GATE_CONTROLS: readonly ControlId[] = [CONTROL_IAM4, CONTROL_IAM3];

/** AWS Config managed rule source identifiers behind IAM.4 and IAM.3. */
export const RULE_ROOT_ACCESS_KEY_CHECK = "IAM_ROOT_ACCESS_KEY_CHECK";
export const RULE_ACCESS_KEYS_ROTATED = "ACCESS_KEYS_ROTATED";

/** Default maximum age of an active IAM user access key (IAM.3, CIS 1.2.0 1.4), in days. */
export const DEFAULT_MAX_ACCESS_KEY_AGE_DAYS = 90;

/** Role the gate assumes, read-only, in every member account and in the security-tooling account. */
export const GATE_READ_ONLY_ROLE_NAME = "GuardrailsGateReadOnly";
/** Managed policy (management account) the vending pipeline's principal uses to promote accounts. */
export const GATE_PROMOTION_POLICY_NAME = "GuardrailsGatePromotion";

/** Organizations account tag that marks an account production-ready; the only tag the gate may write. */
export const READY_TAG_KEY = "guardrails:production-ready";
export const READY_TAG_VALUE = "true";
/** Companion tags written with the ready tag, so the tag itself says when and on what evidence. */
export const READY_CHECKED_AT_TAG_KEY = "guardrails:production-ready-checked-at";
export const READY_EVIDENCE_TAG_KEY = "guardrails:production-ready-evidence-sha256";
/** Every tag key the promotion policy allows the gate to write or remove. */
export const GATE_TAG_KEYS: readonly string[] = [READY_TAG_KEY, READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY];

/** Tag put on every resource the modules create, so drift and ownership are visible. */
export const MANAGED_BY_TAG_KEY = "guardrails:managed-by";
export const MANAGED_BY_TAG_VALUE = "cis-guardrails";
