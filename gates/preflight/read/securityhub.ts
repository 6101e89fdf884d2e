/**
 * Security Hub in the security-tooling account, home Region, through the deployment role: whether it is
 * enabled and how it generates control findings (DescribeHub), its finding aggregators, its organization
 * configuration and (under CENTRAL) its policies.
 */
import {
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  ListConfigurationPoliciesCommand,
  ListFindingAggregatorsCommand,
  type SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import type { ConfigurationPolicyFacts, OrganizationConfigurationFacts, SecurityHubStateEvidence } from "../checks/securityhub";
import { allPages, outcomeOf, type Call } from "./call";

export async function readSecurityHubState(hub: SecurityHubClient, call: Call): Promise<SecurityHubStateEvidence> {
  let controlFindingGenerator: string | null = null;
  const enabled = await outcomeOf(
    async () => {
      const out = await call("securityhub:DescribeHub", (abortSignal) => hub.send(new DescribeHubCommand({}), { abortSignal }));
      controlFindingGenerator = out.ControlFindingGenerator ?? null;
      return true;
    },
    // InvalidAccessException "not subscribed to AWS Security Hub": not enabled here (designation will enable it).
    (_code, kind, message) => (kind === "not-enabled" && /not subscribed/i.test(message) ? false : undefined),
  );
  if (!enabled.ok || !enabled.value) return { hub: enabled, controlFindingGenerator: null, aggregators: null, organizationConfiguration: null, policies: null };

  const [aggregators, organizationConfiguration] = await Promise.all([
    outcomeOf(async () => {
      const pages = await allPages((NextToken) => call("securityhub:ListFindingAggregators", (abortSignal) => hub.send(new ListFindingAggregatorsCommand({ NextToken }), { abortSignal })));
      return pages.flatMap((p) => (p.FindingAggregators ?? []).flatMap((a) => (a.FindingAggregatorArn === undefined ? [] : [a.FindingAggregatorArn])));
    }),
    outcomeOf<OrganizationConfigurationFacts | null>(
      async () => {
        const c = await call("securityhub:DescribeOrganizationConfiguration", (abortSignal) => hub.send(new DescribeOrganizationConfigurationCommand({}), { abortSignal }));
        return {
          configurationType: c.OrganizationConfiguration?.ConfigurationType ?? "LOCAL",
          status: c.OrganizationConfiguration?.Status ?? null,
          autoEnable: c.AutoEnable === true,
          autoEnableStandards: c.AutoEnableStandards ?? null,
        };
      },
      // InvalidAccessException "Account … is not an administrator for this organization" (HTTP 401), as
      // reported in terraform-provider-aws issue #23079: not designated yet, so it holds no organization state.
      (_code, kind, message) => (kind === "not-enabled" && /not an administrator/i.test(message) ? null : undefined),
    ),
  ]);
  let policies: SecurityHubStateEvidence["policies"] = null;
  // Configuration policies exist only under central configuration.
  if (organizationConfiguration.ok && organizationConfiguration.value?.configurationType === "CENTRAL") {
    policies = await outcomeOf(async () => {
      const pages = await allPages((NextToken) => call("securityhub:ListConfigurationPolicies", (abortSignal) => hub.send(new ListConfigurationPoliciesCommand({ NextToken }), { abortSignal })));
      return pages.flatMap((p) => (p.ConfigurationPolicySummaries ?? []).map((s): ConfigurationPolicyFacts => ({ id: s.Id ?? s.Arn ?? "", name: s.Name ?? "" })));
    });
  }
  return { hub: enabled, controlFindingGenerator, aggregators, organizationConfiguration, policies };
}
