/**
 * Organization-wide reads with the management account's own credentials: caller, organization, root,
 * trusted access, delegated administrators, OUs and the SCPs attached to each SCP target. Read-only.
 */
import {
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { ListOrganizationAdminAccountsCommand, type SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AdminAccountFacts, DelegatedAdminEvidence, OrgAllFeaturesEvidence, RootFacts } from "../checks/organization";
import type { AttachedPolicy, ScpSlotsEvidence } from "../checks/targets";
import { DELEGATED_SERVICES } from "../plan";
import type { Outcome } from "../types";
import { allPages, outcomeOf, type Call } from "./call";

export async function readOrgAllFeatures(sts: STSClient, org: OrganizationsClient, call: Call): Promise<OrgAllFeaturesEvidence> {
  const [callerAccountId, organization] = await Promise.all([
    outcomeOf(async () => {
      const out = await call("sts:GetCallerIdentity", (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }));
      if (out.Account === undefined) throw new Error("sts:GetCallerIdentity returned no account");
      return out.Account;
    }),
    outcomeOf(
      async () => {
        const out = await call("organizations:DescribeOrganization", (abortSignal) => org.send(new DescribeOrganizationCommand({}), { abortSignal }));
        const o = out.Organization;
        if (o?.Id === undefined || o.MasterAccountId === undefined) throw new Error("organizations:DescribeOrganization returned no organization");
        return { id: o.Id, featureSet: o.FeatureSet ?? "UNKNOWN", managementAccountId: o.MasterAccountId };
      },
      // The caller's account belongs to no organization at all.
      (code) => (code === "AWSOrganizationsNotInUseException" ? null : undefined),
    ),
  ]);
  return { callerAccountId, organization };
}

export function readRoots(org: OrganizationsClient, call: Call): Promise<Outcome<RootFacts[]>> {
  return outcomeOf(async () => {
    const pages = await allPages((NextToken) => call("organizations:ListRoots", (abortSignal) => org.send(new ListRootsCommand({ NextToken }), { abortSignal })));
    return pages.flatMap((p) =>
      (p.Roots ?? []).flatMap((r) => (r.Id === undefined ? [] : [{ id: r.Id, policyTypes: (r.PolicyTypes ?? []).map((t) => ({ type: t.Type ?? "", status: t.Status ?? "" })) }])),
    );
  });
}

export function readServiceAccess(org: OrganizationsClient, call: Call): Promise<Outcome<string[]>> {
  return outcomeOf(async () => {
    const pages = await allPages((NextToken) =>
      call("organizations:ListAWSServiceAccessForOrganization", (abortSignal) => org.send(new ListAWSServiceAccessForOrganizationCommand({ NextToken }), { abortSignal })),
    );
    return pages.flatMap((p) => (p.EnabledServicePrincipals ?? []).flatMap((s) => (s.ServicePrincipal === undefined ? [] : [s.ServicePrincipal])));
  });
}

/** Organizations' delegated administrators per service, and Security Hub's own (per Region) in the home Region. */
export async function readDelegatedAdmins(org: OrganizationsClient, securityHub: SecurityHubClient, call: Call): Promise<DelegatedAdminEvidence> {
  const listFor = (ServicePrincipal: string): Promise<Outcome<string[]>> =>
    outcomeOf(async () => {
      const pages = await allPages((NextToken) =>
        call(`organizations:ListDelegatedAdministrators ${ServicePrincipal}`, (abortSignal) => org.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal, NextToken }), { abortSignal })),
      );
      return pages.flatMap((p) => (p.DelegatedAdministrators ?? []).flatMap((d) => (d.Id === undefined ? [] : [d.Id])));
    });
  const [lists, securityHubAdmins] = await Promise.all([
    Promise.all(DELEGATED_SERVICES.map(async (p) => [p, await listFor(p)] as const)),
    outcomeOf<AdminAccountFacts[] | "not-subscribed">(
      async () => {
        const pages = await allPages((NextToken) =>
          call("securityhub:ListOrganizationAdminAccounts", (abortSignal) => securityHub.send(new ListOrganizationAdminAccountsCommand({ NextToken }), { abortSignal })),
        );
        return pages.flatMap((p) => (p.AdminAccounts ?? []).flatMap((a) => (a.AccountId === undefined ? [] : [{ accountId: a.AccountId, status: a.Status ?? "" }])));
      },
      // InvalidAccessException "not subscribed": Security Hub is off in the management account there.
      (_code, kind, message) => (kind === "not-enabled" && /not subscribed/i.test(message) ? "not-subscribed" : undefined),
    ),
  ]);
  return { organizations: Object.fromEntries(lists), securityHubAdmins };
}

/** DescribeOrganizationalUnit per OU id: true exists, false OrganizationalUnitNotFoundException. */
export async function readOus(org: OrganizationsClient, call: Call, ouIds: readonly string[]): Promise<Record<string, Outcome<boolean>>> {
  const unique = [...new Set(ouIds)];
  const reads = await Promise.all(
    unique.map(async (OrganizationalUnitId) => {
      const read = await outcomeOf(
        async () => {
          await call(`organizations:DescribeOrganizationalUnit ${OrganizationalUnitId}`, (abortSignal) => org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId }), { abortSignal }));
          return true;
        },
        (code) => (code === "OrganizationalUnitNotFoundException" ? false : undefined),
      );
      return [OrganizationalUnitId, read] as const;
    }),
  );
  return Object.fromEntries(reads);
}

/** SCPs attached directly to each target (ListPoliciesForTarget, SERVICE_CONTROL_POLICY); null: no such target. */
export async function readScpSlots(org: OrganizationsClient, call: Call, targetIds: readonly string[]): Promise<ScpSlotsEvidence> {
  const reads = await Promise.all(
    [...new Set(targetIds)].map(async (TargetId) => {
      const read = await outcomeOf<AttachedPolicy[] | null>(
        async () => {
          const pages = await allPages((NextToken) =>
            call(`organizations:ListPoliciesForTarget ${TargetId}`, (abortSignal) =>
              org.send(new ListPoliciesForTargetCommand({ TargetId, Filter: "SERVICE_CONTROL_POLICY", NextToken }), { abortSignal }),
            ),
          );
          return pages.flatMap((p) => (p.Policies ?? []).map((x) => ({ id: x.Id ?? "", name: x.Name ?? "" })));
        },
        (code) => (code === "TargetNotFoundException" ? null : undefined),
      );
      return [TargetId, read] as const;
    }),
  );
  return Object.fromEntries(reads);
}
