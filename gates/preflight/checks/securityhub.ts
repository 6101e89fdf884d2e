/**
 * securityhub-admin-state: what the security-tooling stack will meet in the security-tooling account, home
 * Region (read through the assumed deployment role). The stack does not enable Security Hub (designation
 * does), creates one finding aggregator, sets the organization configuration to CENTRAL, creates the
 * configuration policy "guardrails-cis" and associates it with securityHub.targetIds. Pure.
 *
 * ok: deploy converges. conflict: deploy would fail or silently change behaviour:
 *  - an existing finding aggregator: an account has one (the home Region is changed only by deleting it and
 *    creating a new one: https://docs.aws.amazon.com/securityhub/latest/userguide/finding-aggregation-stop.html),
 *    so the stack's CreateFindingAggregator would fail;
 *  - existing configuration policies: an account or OU has exactly one policy, applied directly or inherited
 *    from the closest parent (https://docs.aws.amazon.com/securityhub/latest/userguide/configuration-policies-overview.html),
 *    so another policy either is replaced by ours on our targets or overrides ours below them; one already
 *    named guardrails-cis makes the stack's create fail;
 *  - LOCAL configuration with auto-enable on and the policy not associated with the root: CENTRAL forces
 *    AutoEnable off (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_UpdateOrganizationConfiguration.html),
 *    so new accounts outside securityHub.targetIds would silently stop getting Security Hub.
 * An existing CENTRAL organization configuration alone is fine: the provider's resource adopts it without
 * import (website/docs/r/securityhub_organization_configuration.html.markdown in terraform-provider-aws).
 * missing: an enabled hub without consolidated control findings (controlFindings below).
 */
import { CONFIGURATION_POLICY_NAME, SECURITY_TOOLING_STACK_DIR, type PreflightPlan } from "../plan";
import { fixForFailure, worstStatus, type CheckStatus, type Outcome, type PreflightCheck } from "../types";

export interface OrganizationConfigurationFacts {
  configurationType: string;
  status: string | null;
  autoEnable: boolean;
  autoEnableStandards: string | null;
}

export interface ConfigurationPolicyFacts {
  id: string;
  name: string;
}

export interface SecurityHubStateEvidence {
  /** securityhub:DescribeHub in the security-tooling account, home Region: true enabled, false not subscribed. */
  hub: Outcome<boolean>;
  /** DescribeHub ControlFindingGenerator (SECURITY_CONTROL / STANDARD_CONTROL); null when absent or not enabled. */
  controlFindingGenerator: string | null;
  /** securityhub:ListFindingAggregators (ARNs); null when not read (Security Hub off). */
  aggregators: Outcome<string[]> | null;
  /** securityhub:DescribeOrganizationConfiguration; value null: the account is not the administrator (yet). */
  organizationConfiguration: Outcome<OrganizationConfigurationFacts | null> | null;
  /** securityhub:ListConfigurationPolicies; null when not read (not CENTRAL). */
  policies: Outcome<ConfigurationPolicyFacts[]> | null;
}

/** After `npm run synth`: the synthesized address of the stack's only resource of `type`. */
function importCommand(type: string, importId: string): string {
  const address = `${type}.$(jq -r '.resource.${type} | keys[0]' ${SECURITY_TOOLING_STACK_DIR}/cdk.tf.json)`;
  return `npm run synth && terraform -chdir=${SECURITY_TOOLING_STACK_DIR} init && terraform -chdir=${SECURITY_TOOLING_STACK_DIR} import "${address}" ${importId}`;
}

const PARTIAL_DEPLOY = "(after an earlier, partial deploy of the security-tooling stack this may be its own resource, already in its state)";

/**
 * Consolidated control findings (one IAM.4 / IAM.3 finding per check, Compliance.SecurityControlId set), which
 * the gate matches first. The stacks no longer manage the hub (no aws_securityhub_account), so nothing sets
 * them: a hub enabled on or after 2023-02-23 has them on by default, one enabled earlier keeps them off until
 * turned on, and "the value for this field in a member account matches the value in the administrator
 * account" (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html;
 * DescribeHub ControlFindingGenerator, https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DescribeHub.html).
 * So STANDARD_CONTROL here becomes every member's setting once designated.
 *
 * `missing`, not `conflict`: nothing there makes deploy fail or would be replaced by it; a setting the
 * guardrails rely on, and no longer provide, is off (DESIGN 8: a guardrail would silently not work as built).
 * The API reference lists only the two values and says no more of an enabled hub that omits the field (older
 * responses had none), so an absent value proves nothing and fails closed the same way; the fix is idempotent.
 * Only the administrator can change it for the organization (UpdateSecurityHubConfiguration, API reference).
 */
function controlFindings(plan: PreflightPlan, generator: string | null, inTooling: string): { status: CheckStatus; detail: string; fix: string } {
  if (generator === "SECURITY_CONTROL") return { status: "ok", detail: "consolidated control findings on (ControlFindingGenerator SECURITY_CONTROL)", fix: "" };
  const seen = generator === null ? "DescribeHub does not report ControlFindingGenerator, so consolidated control findings cannot be confirmed" : `consolidated control findings are off (ControlFindingGenerator ${generator}: a hub enabled before 2023-02-23 keeps standard-specific findings)`;
  return {
    status: "missing",
    detail: `${seen}; member accounts follow the administrator's setting, and the gate expects consolidated IAM.4 / IAM.3 findings`,
    fix: `aws securityhub update-security-hub-configuration --control-finding-generator SECURITY_CONTROL --region ${plan.homeRegion}   ${inTooling}`,
  };
}

export function checkSecurityHubAdminState(plan: PreflightPlan, ev: SecurityHubStateEvidence): PreflightCheck {
  const id = "securityhub-admin-state";
  const where = `the security-tooling account ${plan.securityToolingAccountId} in ${plan.homeRegion}`;
  const inTooling = `# in account ${plan.securityToolingAccountId} (role ${plan.securityToolingRoleName})`;
  if (!ev.hub.ok) {
    return { id, status: "unknown", detail: `could not read Security Hub in ${where}: ${ev.hub.message}`, fix: fixForFailure(ev.hub.kind, "sts:AssumeRole on the deployment role and securityhub:DescribeHub") };
  }
  if (!ev.hub.value) {
    return {
      id,
      status: "ok",
      // "Security Hub CSPM is automatically enabled in the delegated administrator account in the Region in which it was designated":
      // https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html
      // Enabled now, it gets consolidated control findings, the default since 2023-02-23 (controlFindings below).
      detail: `Security Hub is not enabled in ${where} yet: designating it as administrator (management stack) enables it there, with consolidated control findings (the default for a hub enabled since 2023-02-23), and the security-tooling stack does not enable it again`,
      fix: "",
    };
  }
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [controlFindings(plan, ev.controlFindingGenerator, inTooling)];
  const aggregators = ev.aggregators;
  if (aggregators !== null) {
    if (!aggregators.ok) {
      parts.push({ status: "unknown", detail: `finding aggregators could not be read (${aggregators.message})`, fix: fixForFailure(aggregators.kind, "securityhub:ListFindingAggregators") });
    } else {
      for (const arn of aggregators.value) {
        const region = arn.split(":")[3] ?? "";
        const del = `aws securityhub delete-finding-aggregator --finding-aggregator-arn ${arn} --region ${region}   ${inTooling}`;
        if (region === plan.homeRegion) {
          parts.push({
            status: "conflict",
            detail: `a finding aggregator already exists in ${plan.homeRegion} (${arn}); an account has only one, so the stack's would fail to create ${PARTIAL_DEPLOY}`,
            fix: `import it into the security-tooling stack: ${importCommand("aws_securityhub_finding_aggregator", arn)}\nor delete it: ${del}`,
          });
        } else {
          parts.push({
            status: "conflict",
            detail: `a finding aggregator already makes ${region} the home Region (${arn}), not homeRegion ${plan.homeRegion}`,
            fix: `set "homeRegion": "${region}" in ${plan.configFile}, or delete it: ${del}`,
          });
        }
      }
      if (aggregators.value.length === 0) parts.push({ status: "ok", detail: "no finding aggregator yet", fix: "" });
    }
  }
  const orgConfig = ev.organizationConfiguration;
  if (orgConfig !== null) {
    if (!orgConfig.ok) {
      parts.push({ status: "unknown", detail: `organization configuration could not be read (${orgConfig.message})`, fix: fixForFailure(orgConfig.kind, "securityhub:DescribeOrganizationConfiguration") });
    } else if (orgConfig.value === null) {
      parts.push({ status: "ok", detail: "not the Security Hub administrator yet (the management stack designates it)", fix: "" });
    } else {
      const c = orgConfig.value;
      const autoOn = c.autoEnable || c.autoEnableStandards === "DEFAULT";
      if (c.configurationType !== "CENTRAL" && autoOn && !plan.securityHubTargetIds.includes(plan.rootId)) {
        parts.push({
          status: "conflict",
          detail: `the organization uses LOCAL configuration with auto-enable on (AutoEnable ${c.autoEnable}, AutoEnableStandards ${c.autoEnableStandards ?? "unset"}); CENTRAL turns that off, and guardrails-cis is associated only with ${plan.securityHubTargetIds.join(", ")}, so new accounts elsewhere would silently stop getting Security Hub`,
          fix: `associate the policy with the root: set "securityHub": {"targetIds": ["${plan.rootId}"]} in ${plan.configFile}; or accept the change: aws securityhub update-organization-configuration --no-auto-enable --auto-enable-standards NONE --region ${plan.homeRegion}   ${inTooling}`,
        });
      } else {
        const status = c.status === "FAILED" ? ` (status FAILED: the stack's update retries it)` : "";
        parts.push({ status: "ok", detail: `organization configuration ${c.configurationType}${status}: the stack sets CENTRAL`, fix: "" });
      }
    }
  }
  const policies = ev.policies;
  if (policies !== null) {
    if (!policies.ok) {
      parts.push({ status: "unknown", detail: `configuration policies could not be read (${policies.message})`, fix: fixForFailure(policies.kind, "securityhub:ListConfigurationPolicies") });
    } else {
      for (const p of policies.value) {
        const del = `disassociate it from each of its targets (aws securityhub list-configuration-policy-associations --region ${plan.homeRegion}, then aws securityhub start-configuration-policy-disassociation --configuration-policy-identifier ${p.id} --target '{"OrganizationalUnitId": "<ou id>"}' (or RootId / AccountId) --region ${plan.homeRegion}), then: aws securityhub delete-configuration-policy --identifier ${p.id} --region ${plan.homeRegion}   ${inTooling}`;
        if (p.name === CONFIGURATION_POLICY_NAME) {
          parts.push({
            status: "conflict",
            detail: `a configuration policy named ${p.name} already exists (${p.id}): the stack's create would fail ${PARTIAL_DEPLOY}`,
            fix: `import it into the security-tooling stack: ${importCommand("aws_securityhub_configuration_policy", p.id)}\nor delete it: ${del}`,
          });
        } else {
          parts.push({
            status: "conflict",
            detail: `configuration policy ${p.name} (${p.id}) exists: where it is associated it replaces or overrides guardrails-cis (one policy per account or OU, the closest association wins), so IAM.4 / IAM.3 may not be enabled there`,
            fix: `fold its settings into the config (securityHub.cisVersions, disabledControls), then ${del}`,
          });
        }
      }
    }
  }
  const status = worstStatus(parts.map((p) => p.status));
  const detail = `Security Hub is enabled in ${where}: ${parts.map((p) => p.detail).join("; ")}`;
  return { id, status, detail, fix: status === "ok" ? "" : parts.filter((p) => p.fix !== "").map((p) => p.fix).join("\n") };
}
