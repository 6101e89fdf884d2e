/**
 * Base and head configurations built through the real modules (buildApp) and synthesized into
 * temp dirs. Config-level changes go through the typed config; changes only a code edit to the
 * modules could make (an SCP action dropped, statements reordered) override the synthesized
 * policy content of the real construct, as such an edit would.
 */
import { IamPolicy, OrganizationsPolicy } from "../../modules/aws";
import { GATE_REMEDIATION_POLICY_NAME } from "../../modules/constants";
import { EXAMPLE_CONFIG, parseConfigOrThrow, type GuardrailsConfigInput } from "../../modules/config";
import { buildApp } from "../../modules/stacks";
import { scratchDir } from "./scratch";

export const PROTECT_SCP = "GuardrailsProtectSecurityServices";

interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

export interface ModuleVariant {
  config?: (config: GuardrailsConfigInput) => void;
  /** Edits the content of the SCP named `PROTECT_SCP`, as a change to modules/scp would. */
  protectScp?: (doc: PolicyDocument) => PolicyDocument;
  /** Edits GuardrailsRootRemediation (remediation.enabled), as a change to modules/gate-access would. */
  remediationPolicy?: (doc: PolicyDocument) => PolicyDocument;
}

export function synthModules(variant: ModuleVariant = {}): string {
  const input = structuredClone(EXAMPLE_CONFIG);
  variant.config?.(input);
  const outdir = scratchDir("synth-");
  const built = buildApp(parseConfigOrThrow(input), outdir);
  if (variant.protectScp) {
    const policies = built.management.node.findAll().filter((c): c is OrganizationsPolicy => c instanceof OrganizationsPolicy && c.node.id === PROTECT_SCP);
    if (policies.length !== 1) throw new Error(`expected one ${PROTECT_SCP} policy, found ${policies.length}`);
    const policy = policies[0]!;
    // `contentInput` is the configured string; `content` would be a token.
    policy.addOverride("content", JSON.stringify(variant.protectScp(JSON.parse(policy.contentInput ?? "") as PolicyDocument)));
  }
  if (variant.remediationPolicy) {
    const policies = built.management.node.findAll().filter((c): c is IamPolicy => c instanceof IamPolicy && c.nameInput === GATE_REMEDIATION_POLICY_NAME);
    if (policies.length !== 1) throw new Error(`expected one ${GATE_REMEDIATION_POLICY_NAME} policy, found ${policies.length}`);
    const policy = policies[0]!;
    policy.addOverride("policy", JSON.stringify(variant.remediationPolicy(JSON.parse(policy.policyInput ?? "") as PolicyDocument)));
  }
  built.app.synth();
  return outdir;
}

/** Reverses statement order, key order and every list: a formatting-only change. */
export function reordered(doc: PolicyDocument): PolicyDocument {
  const reverse = (v: unknown): unknown =>
    Array.isArray(v) ? [...v].reverse().map(reverse) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
  return reverse(doc) as PolicyDocument;
}

/** Drops one action from the statement with that Sid. */
export const withoutAction = (sid: string, action: string) => (doc: PolicyDocument): PolicyDocument => ({
  ...doc,
  Statement: doc.Statement.map((s) => (s.Sid === sid ? { ...s, Action: ([] as string[]).concat(s.Action as string[]).filter((a) => a !== action) } : s)),
});
