/**
 * The reads `guardrails preflight` makes, through the real SDK v3 clients against the local endpoint:
 * shapes the SDK deserializes, pagination, and the modelled error each service answers with.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient, DescribeConfigurationRecordersCommand, DescribeConfigurationRecorderStatusCommand } from "@aws-sdk/client-config-service";
import {
  DescribeOrganizationCommand, DescribeOrganizationalUnitCommand, ListAWSServiceAccessForOrganizationCommand, ListDelegatedAdministratorsCommand,
  ListPoliciesForTargetCommand, ListRootsCommand, OrganizationsClient, paginateListAWSServiceAccessForOrganization,
} from "@aws-sdk/client-organizations";
import {
  DescribeOrganizationConfigurationCommand, ListConfigurationPoliciesCommand, ListFindingAggregatorsCommand, ListOrganizationAdminAccountsCommand, SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeHubCommand } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { EXAMPLE_IDS, clientConfig, startLocalAws, type LocalAws } from "./index";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

const cfg = (region = "us-east-1") => ({ ...clientConfig(aws.url, { maxAttempts: 1 }), region });
const org = () => new OrganizationsClient(cfg());

async function inAccount(accountId: string, region = "us-east-1") {
  const out = await new STSClient(cfg()).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/GuardrailsGateReadOnly`, RoleSessionName: "preflight" }));
  const c = out.Credentials!;
  return { ...cfg(region), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
}

describe("Organizations", () => {
  test("DescribeOrganization and ListRoots carry the world's feature set and policy types", async () => {
    aws.world.featureSet = "CONSOLIDATED_BILLING";
    aws.world.rootPolicyTypes = [{ type: "SERVICE_CONTROL_POLICY", status: "PENDING_ENABLE" }];
    const o = await org().send(new DescribeOrganizationCommand({}));
    expect(o.Organization).toMatchObject({ FeatureSet: "CONSOLIDATED_BILLING", MasterAccountId: EXAMPLE_IDS.management });
    const roots = await org().send(new ListRootsCommand({}));
    expect(roots.Roots?.[0]?.PolicyTypes).toEqual([{ Type: "SERVICE_CONTROL_POLICY", Status: "PENDING_ENABLE" }]);
  });

  test("ListAWSServiceAccessForOrganization pages with NextToken and returns dates", async () => {
    aws.world.trustedServices = Array.from({ length: 25 }, (_, i) => `svc${i}.amazonaws.com`);
    const seen: string[] = [];
    for await (const page of paginateListAWSServiceAccessForOrganization({ client: org() }, {})) {
      for (const s of page.EnabledServicePrincipals ?? []) {
        expect(s.DateEnabled).toBeInstanceOf(Date);
        seen.push(s.ServicePrincipal!);
      }
    }
    expect(seen).toHaveLength(25);
    expect(aws.requests.filter((r) => r.action === "ListAWSServiceAccessForOrganization")).toHaveLength(2);
  });

  test("ListDelegatedAdministrators filters by service principal", async () => {
    aws.world.delegatedAdministrators = { "config.amazonaws.com": [EXAMPLE_IDS.securityTooling], "securityhub.amazonaws.com": [EXAMPLE_IDS.clean] };
    const out = await org().send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: "config.amazonaws.com" }));
    expect(out.DelegatedAdministrators?.map((d) => d.Id)).toEqual([EXAMPLE_IDS.securityTooling]);
    expect(out.DelegatedAdministrators?.[0]?.DelegationEnabledDate).toBeInstanceOf(Date);
    const none = await org().send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: "config-multiaccountsetup.amazonaws.com" }));
    expect(none.DelegatedAdministrators).toEqual([]);
  });

  test("ListPoliciesForTarget: FullAWSAccess on the root and every OU; TargetNotFoundException otherwise", async () => {
    const root = await org().send(new ListPoliciesForTargetCommand({ TargetId: aws.world.rootId, Filter: "SERVICE_CONTROL_POLICY" }));
    expect(root.Policies).toEqual([expect.objectContaining({ Id: "p-FullAWSAccess", Name: "FullAWSAccess", AwsManaged: true, Type: "SERVICE_CONTROL_POLICY" })]);
    const ou = await org().send(new ListPoliciesForTargetCommand({ TargetId: "ou-ex01-workloads", Filter: "SERVICE_CONTROL_POLICY" }));
    expect(ou.Policies?.map((p) => p.Name)).toEqual(["FullAWSAccess"]);
    await expect(org().send(new ListPoliciesForTargetCommand({ TargetId: "ou-ex01-nowhere0", Filter: "SERVICE_CONTROL_POLICY" }))).rejects.toMatchObject({ name: "TargetNotFoundException" });
  });

  test("DescribeOrganizationalUnit: found, or OrganizationalUnitNotFoundException", async () => {
    const ou = await org().send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: "ou-ex01-security" }));
    expect(ou.OrganizationalUnit).toMatchObject({ Id: "ou-ex01-security", Name: "Security" });
    await expect(org().send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: "ou-ex01-missing01" }))).rejects.toMatchObject({ name: "OrganizationalUnitNotFoundException" });
  });

  test("ListAWSServiceAccessForOrganization is refused to member accounts", async () => {
    const member = new OrganizationsClient(await inAccount(EXAMPLE_IDS.clean));
    await expect(member.send(new ListAWSServiceAccessForOrganizationCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});

describe("CloudTrail", () => {
  beforeEach(() => {
    aws.world.trails = [
      { name: "org-trail", homeRegion: "eu-west-1", isMultiRegion: true, includeGlobalServiceEvents: true, isOrganizationTrail: true, isLogging: true },
      { name: "local", homeRegion: "us-east-1", isMultiRegion: false, includeGlobalServiceEvents: true, isOrganizationTrail: false, isLogging: false, eventSelectors: [{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true }] },
    ];
  });

  test("DescribeTrails lists Region-local trails and multi-Region shadows; members see organization trails only", async () => {
    const trails = await new CloudTrailClient(cfg("us-east-1")).send(new DescribeTrailsCommand({}));
    expect(trails.trailList?.map((t) => [t.Name, t.HomeRegion, t.IsOrganizationTrail])).toEqual([["org-trail", "eu-west-1", true], ["local", "us-east-1", false]]);
    const noShadows = await new CloudTrailClient(cfg("us-east-1")).send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    expect(noShadows.trailList?.map((t) => t.Name)).toEqual(["local"]);
    const member = await new CloudTrailClient(await inAccount(EXAMPLE_IDS.clean, "us-east-1")).send(new DescribeTrailsCommand({}));
    expect(member.trailList?.map((t) => t.Name)).toEqual(["org-trail"]);
  });

  test("GetTrailStatus and GetEventSelectors by ARN; TrailNotFoundException for an unknown trail", async () => {
    const ct = new CloudTrailClient(cfg("eu-west-1"));
    const arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/local";
    expect((await new CloudTrailClient(cfg("us-east-1")).send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).toBe(false);
    const selectors = await new CloudTrailClient(cfg("us-east-1")).send(new GetEventSelectorsCommand({ TrailName: arn }));
    expect(selectors.EventSelectors).toEqual([{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true }]);
    const def = await ct.send(new GetEventSelectorsCommand({ TrailName: "org-trail" }));
    expect(def.EventSelectors?.[0]).toMatchObject({ ReadWriteType: "All", IncludeManagementEvents: true });
    await expect(ct.send(new GetTrailStatusCommand({ Name: "nope" }))).rejects.toMatchObject({ name: "TrailNotFoundException", $metadata: { httpStatusCode: 404 } });
  });

  test("the service model's long target prefix is accepted as well as the SDK's short one", async () => {
    const body = JSON.stringify({});
    const res = await fetch(aws.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=x",
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { trailList: unknown[] }).trailList).toHaveLength(2);
  });
});

describe("Security Hub organization reads", () => {
  test("ListOrganizationAdminAccounts: the Region's administrator, management account only", async () => {
    aws.world.securityHubAdmins = { "us-east-1": EXAMPLE_IDS.securityTooling };
    const out = await new SecurityHubClient(cfg()).send(new ListOrganizationAdminAccountsCommand({}));
    expect(out.AdminAccounts).toEqual([{ AccountId: EXAMPLE_IDS.securityTooling, Status: "ENABLED" }]);
    expect((await new SecurityHubClient(cfg("eu-west-1")).send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts).toEqual([]);
    const member = new SecurityHubClient(await inAccount(EXAMPLE_IDS.clean));
    await expect(member.send(new ListOrganizationAdminAccountsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  test("DescribeOrganizationConfiguration: InvalidAccessException 401 until the account is the administrator", async () => {
    const tooling = new SecurityHubClient(await inAccount(EXAMPLE_IDS.securityTooling));
    await expect(tooling.send(new DescribeOrganizationConfigurationCommand({}))).rejects.toMatchObject({
      name: "InvalidAccessException", message: expect.stringContaining("is not an administrator"), $metadata: { httpStatusCode: 401 },
    });
    aws.world.securityHubAdmins = { "us-east-1": EXAMPLE_IDS.securityTooling };
    aws.world.accounts[EXAMPLE_IDS.securityTooling]!.securityHubOrganization = { configurationType: "CENTRAL", status: "ENABLED", autoEnable: false, autoEnableStandards: "NONE" };
    const c = await tooling.send(new DescribeOrganizationConfigurationCommand({}));
    expect(c).toMatchObject({ AutoEnable: false, AutoEnableStandards: "NONE", OrganizationConfiguration: { ConfigurationType: "CENTRAL", Status: "ENABLED" } });
  });

  test("ListFindingAggregators and ListConfigurationPolicies page through the query string", async () => {
    aws.world.securityHubAdmins = { "us-east-1": EXAMPLE_IDS.securityTooling };
    const acct = aws.world.accounts[EXAMPLE_IDS.securityTooling]!;
    acct.findingAggregators = ["arn:aws:securityhub:us-east-1:222222222222:finding-aggregator/abcd1234-abcd-1234-1234-abcdef123456"];
    acct.configurationPolicies = Array.from({ length: 12 }, (_, i) => ({ id: `0000000${i}-1111-2222-3333-444444444444`, name: `policy-${i}` }));
    const tooling = new SecurityHubClient(await inAccount(EXAMPLE_IDS.securityTooling));
    expect((await tooling.send(new ListFindingAggregatorsCommand({}))).FindingAggregators).toEqual([{ FindingAggregatorArn: acct.findingAggregators[0] }]);
    const first = await tooling.send(new ListConfigurationPoliciesCommand({ MaxResults: 10 }));
    expect(first.ConfigurationPolicySummaries).toHaveLength(10);
    expect(first.ConfigurationPolicySummaries?.[0]?.UpdatedAt).toBeInstanceOf(Date);
    const second = await tooling.send(new ListConfigurationPoliciesCommand({ MaxResults: 10, NextToken: first.NextToken }));
    expect(second.ConfigurationPolicySummaries?.map((p) => p.Name)).toEqual(["policy-10", "policy-11"]);
    expect(second.NextToken).toBeUndefined();
  });
});

describe("Security Hub DescribeHub", () => {
  test("ControlFindingGenerator per account: SECURITY_CONTROL by default, STANDARD_CONTROL, or left out", async () => {
    const tooling = new SecurityHubClient(await inAccount(EXAMPLE_IDS.securityTooling));
    expect((await tooling.send(new DescribeHubCommand({}))).ControlFindingGenerator).toBe("SECURITY_CONTROL");
    aws.world.accounts[EXAMPLE_IDS.securityTooling]!.controlFindingGenerator = "STANDARD_CONTROL";
    expect((await tooling.send(new DescribeHubCommand({}))).ControlFindingGenerator).toBe("STANDARD_CONTROL");
    aws.world.accounts[EXAMPLE_IDS.securityTooling]!.controlFindingGenerator = null;
    const out = await tooling.send(new DescribeHubCommand({}));
    expect(out.HubArn).toBe("arn:aws:securityhub:us-east-1:222222222222:hub/default");
    expect(out).not.toHaveProperty("ControlFindingGenerator");
  });
});

describe("IAM GetRole", () => {
  test("Config's service-linked role at its service path; NoSuchEntity 404 when absent; ordinary roles at /", async () => {
    const iam = new IAMClient(await inAccount(EXAMPLE_IDS.clean));
    await expect(iam.send(new GetRoleCommand({ RoleName: "AWSServiceRoleForConfig" }))).rejects.toMatchObject({
      name: "NoSuchEntityException", message: "The role with name AWSServiceRoleForConfig cannot be found.", $metadata: { httpStatusCode: 404 },
    });
    aws.world.accounts[EXAMPLE_IDS.clean]!.serviceLinkedRoles = ["config.amazonaws.com"];
    const slr = (await iam.send(new GetRoleCommand({ RoleName: "AWSServiceRoleForConfig" }))).Role!;
    expect(slr).toMatchObject({ Path: "/aws-service-role/config.amazonaws.com/", Arn: "arn:aws:iam::333333333333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", RoleName: "AWSServiceRoleForConfig" });
    expect(slr.CreateDate).toBeInstanceOf(Date);
    expect(JSON.parse(decodeURIComponent(slr.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({ Service: "config.amazonaws.com" });
    const gate = (await iam.send(new GetRoleCommand({ RoleName: "GuardrailsGateReadOnly" }))).Role!;
    expect(gate).toMatchObject({ Path: "/", Arn: "arn:aws:iam::333333333333:role/GuardrailsGateReadOnly" });
    // The role is the account's own: another account without it still answers NoSuchEntity.
    const other = new IAMClient(await inAccount(EXAMPLE_IDS.awaitingFindings));
    await expect(other.send(new GetRoleCommand({ RoleName: "AWSServiceRoleForConfig" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
  });
});

describe("Config recorders", () => {
  test("customer-managed recorders by default; a service-linked one only when asked for by service principal", async () => {
    aws.world.accounts[EXAMPLE_IDS.clean]!.configRecorders = {
      "eu-west-1": [{ name: "default", recording: false }, { name: "slr", recording: true, servicePrincipal: "securityhub.amazonaws.com" }],
    };
    const config = new ConfigServiceClient(await inAccount(EXAMPLE_IDS.clean, "eu-west-1"));
    const recorders = await config.send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders?.map((r) => [r.name, r.recordingScope])).toEqual([["default", "PAID"]]);
    const status = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(status.ConfigurationRecordersStatus).toEqual([expect.objectContaining({ name: "default", recording: false })]);
    const slr = await config.send(new DescribeConfigurationRecordersCommand({ ServicePrincipal: "securityhub.amazonaws.com" }));
    expect(slr.ConfigurationRecorders?.map((r) => r.servicePrincipal)).toEqual(["securityhub.amazonaws.com"]);
    await expect(config.send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: ["nope"] }))).rejects.toMatchObject({ name: "NoSuchConfigurationRecorderException" });
    const elsewhere = new ConfigServiceClient(await inAccount(EXAMPLE_IDS.clean, "us-east-1"));
    expect((await elsewhere.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders).toEqual([]);
  });
});
