/** cloudtrail and securityhub-admin-state as pure functions. */
import { checkCloudTrail, selectorsKeepIamWrites, type TrailFacts, type TrailSelectors } from "../../gates/preflight/checks/cloudtrail";
import { checkSecurityHubAdminState, type SecurityHubStateEvidence } from "../../gates/preflight/checks/securityhub";
import { failure, success, type CheckStatus, type Outcome } from "../../gates/preflight/types";
import { configWith, IDS, OUS, planOf } from "./helpers";

const plan = planOf();
const DEFAULT_SELECTORS: TrailSelectors = { basic: [], advanced: [] };

function trail(over: Partial<TrailFacts> = {}): TrailFacts {
  return {
    name: "org-trail",
    arn: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org-trail",
    homeRegion: "eu-west-1",
    multiRegion: true,
    globalServiceEvents: true,
    organization: true,
    logging: success(true),
    selectors: success(DEFAULT_SELECTORS),
    ...over,
  };
}

describe("selectorsKeepIamWrites", () => {
  const basic = (readWriteType: string | null, includeManagementEvents: boolean | null = true, exclude: string[] = []): TrailSelectors => ({ basic: [{ readWriteType, includeManagementEvents, excludeManagementEventSources: exclude }], advanced: [] });
  const advanced = (...fields: { field: string; equals?: string[]; notEquals?: string[]; other?: boolean }[]): TrailSelectors => ({
    basic: [],
    advanced: [{ name: "x", fields: fields.map((f) => ({ field: f.field, equals: f.equals ?? null, notEquals: f.notEquals ?? null, otherOperators: f.other ?? false })) }],
  });
  test.each<[string, TrailSelectors, boolean]>([
    ["no selectors: the default logs all management events", DEFAULT_SELECTORS, true],
    ["basic All", basic("All"), true],
    ["basic WriteOnly", basic("WriteOnly"), true],
    ["basic ReadOnly", basic("ReadOnly"), false],
    ["basic without management events (data events only)", basic("All", false), false],
    ["basic excluding KMS events only", basic("All", true, ["kms.amazonaws.com"]), true],
    ["basic excluding IAM", basic("All", true, ["iam.amazonaws.com"]), false],
    ["advanced management events", advanced({ field: "eventCategory", equals: ["Management"] }), true],
    ["advanced writes only", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "readOnly", equals: ["false"] }), true],
    ["advanced reads only", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "readOnly", equals: ["true"] }), false],
    ["advanced NotEquals readOnly false (reads only)", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "readOnly", notEquals: ["false"] }), false],
    ["advanced excluding IAM as a source", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "eventSource", notEquals: ["iam.amazonaws.com"] }), false],
    ["advanced only KMS as a source", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "eventSource", equals: ["kms.amazonaws.com"] }), false],
    ["advanced data events only", advanced({ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }), false],
    ["advanced with operators not proven (StartsWith)", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "eventSource", other: true }), false],
    ["advanced narrowed by event name", advanced({ field: "eventCategory", equals: ["Management"] }, { field: "eventName", equals: ["ConsoleLogin"] }), false],
  ])("%s", (_name, selectors, keeps) => expect(selectorsKeepIamWrites(selectors)).toBe(keeps));
});

describe("cloudtrail", () => {
  test.each<[string, Outcome<TrailFacts[]>, CheckStatus, RegExp, RegExp]>([
    ["a logging multi-Region organization trail", success([trail()]), "ok", /org-trail .* is logging the management events of every account/, /^$/],
    ["a single-Region organization trail homed where IAM events arrive", success([trail({ multiRegion: false, homeRegion: "us-east-1", arn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail" })]), "ok", /is logging/, /^$/],
    ["no trail", success([]), "missing", /no trail is visible in us-east-1/, /create-trail --name guardrails-organization-trail .*--is-organization-trail --is-multi-region-trail --include-global-service-events --region us-east-1/],
    ["only a management-account trail", success([trail({ organization: false })]), "missing", /not an organization trail/, /create-trail/],
    ["an organization trail that stopped logging", success([trail({ logging: success(false) })]), "missing", /is not logging/, /^aws cloudtrail start-logging --name arn:aws:cloudtrail:eu-west-1:111111111111:trail\/org-trail --region eu-west-1$/m],
    ["single-Region elsewhere", success([trail({ multiRegion: false })]), "missing", /single-Region trail in eu-west-1, and IAM events arrive in us-east-1/, /update-trail --name .* --is-multi-region-trail --region eu-west-1/],
    ["global service events off", success([trail({ globalServiceEvents: false })]), "missing", /excludes global service events/, /--include-global-service-events/],
    ["read-only selectors", success([trail({ selectors: success({ basic: [{ readWriteType: "ReadOnly", includeManagementEvents: true, excludeManagementEventSources: [] }], advanced: [] }) })]), "missing", /drop IAM write management events/, /put-event-selectors --trail-name .*eventCategory/],
    ["status unreadable and otherwise fine", success([trail({ logging: failure("access-denied", "denied") })]), "unknown", /could not tell/, /GetTrailStatus/],
    ["status unreadable but not an organization trail either", success([trail({ organization: false, logging: failure("access-denied", "denied") })]), "missing", /not an organization trail/, /create-trail/],
    ["trails unreadable", failure("throttled", "cloudtrail:DescribeTrails: throttled"), "unknown", /could not list the trails in us-east-1/, /lower --concurrency/],
    ["one good trail among broken ones", success([trail({ organization: false, name: "local" }), trail({ name: "good" })]), "ok", /good/, /^$/],
  ])("%s", (_name, trails, status, detail, fix) => {
    const c = checkCloudTrail(plan, trails);
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
    // Every missing trail offers turning the alerts off as the alternative.
    if (status === "missing") expect(c.fix).toContain('set "alerting": {"rootAccessKeyAlerts": false}');
  });

  test("root-key alerts off: ok, not needed, whatever the trails", () => {
    const c = checkCloudTrail(planOf(configWith({ alerting: { rootAccessKeyAlerts: false } })), failure("access-denied", "denied"));
    expect(c).toMatchObject({ status: "ok", fix: "" });
    expect(c.detail).toMatch(/not needed/);
  });
});

describe("securityhub-admin-state", () => {
  const enabled = (over: Partial<SecurityHubStateEvidence> = {}): SecurityHubStateEvidence => ({
    hub: success(true),
    controlFindingGenerator: "SECURITY_CONTROL",
    aggregators: success([]),
    organizationConfiguration: success(null),
    policies: null,
    ...over,
  });
  const central = (autoEnable = false) => success({ configurationType: "CENTRAL", status: "ENABLED", autoEnable, autoEnableStandards: "NONE" });
  const local = (autoEnable: boolean, standards = "NONE") => success({ configurationType: "LOCAL", status: "ENABLED", autoEnable, autoEnableStandards: standards });
  const aggregatorHome = "arn:aws:securityhub:us-east-1:222222222222:finding-aggregator/abcd1234-abcd-1234-1234-abcdef123456";
  const aggregatorElsewhere = "arn:aws:securityhub:eu-west-1:222222222222:finding-aggregator/abcd1234-abcd-1234-1234-abcdef123456";

  test.each<[string, SecurityHubStateEvidence, CheckStatus, RegExp, RegExp]>([
    ["not enabled yet: designation enables it", { hub: success(false), controlFindingGenerator: null, aggregators: null, organizationConfiguration: null, policies: null }, "ok", /not enabled .* yet: designating it as administrator \(management stack\) enables it/, /^$/],
    ["enabled, nothing else yet", enabled(), "ok", /consolidated control findings on \(ControlFindingGenerator SECURITY_CONTROL\); no finding aggregator yet; not the Security Hub administrator yet/, /^$/],
    [
      "a hub from before 2023-02-23: standard-specific findings, which members would follow",
      enabled({ controlFindingGenerator: "STANDARD_CONTROL" }),
      "missing",
      /consolidated control findings are off \(ControlFindingGenerator STANDARD_CONTROL.*member accounts follow the administrator's setting/,
      /^aws securityhub update-security-hub-configuration --control-finding-generator SECURITY_CONTROL --region us-east-1 {3}# in account 222222222222 \(role OrganizationAccountAccessRole\)$/,
    ],
    ["an enabled hub that does not report ControlFindingGenerator fails closed", enabled({ controlFindingGenerator: null }), "missing", /does not report ControlFindingGenerator, so consolidated control findings cannot be confirmed/, /--control-finding-generator SECURITY_CONTROL --region us-east-1/],
    ["consolidated findings off and an aggregator in the way: conflict first, both fixes", enabled({ controlFindingGenerator: "STANDARD_CONTROL", aggregators: success([aggregatorHome]) }), "conflict", /STANDARD_CONTROL.*a finding aggregator already exists/, /--control-finding-generator SECURITY_CONTROL[^]*import "aws_securityhub_finding_aggregator/],
    ["already administrator, LOCAL, auto-enable off", enabled({ organizationConfiguration: local(false) }), "ok", /organization configuration LOCAL: the stack sets CENTRAL/, /^$/],
    ["LOCAL auto-enable on, policy on the root: CENTRAL keeps covering new accounts", enabled({ organizationConfiguration: local(true, "DEFAULT") }), "ok", /LOCAL/, /^$/],
    ["CENTRAL already, no policies", enabled({ organizationConfiguration: central(), policies: success([]) }), "ok", /CENTRAL/, /^$/],
    ["an aggregator in the home Region", enabled({ aggregators: success([aggregatorHome]) }), "conflict", /a finding aggregator already exists in us-east-1/, /terraform -chdir=cdktf\.out\/stacks\/security-tooling import "aws_securityhub_finding_aggregator\.\$\(jq -r '\.resource\.aws_securityhub_finding_aggregator \| keys\[0\]' cdktf\.out\/stacks\/security-tooling\/cdk\.tf\.json\)" arn:aws:securityhub:us-east-1:/],
    ["an aggregator elsewhere makes another home Region", enabled({ aggregators: success([aggregatorElsewhere]) }), "conflict", /makes eu-west-1 the home Region/, /set "homeRegion": "eu-west-1" .*delete-finding-aggregator --finding-aggregator-arn arn:aws:securityhub:eu-west-1:.* --region eu-west-1/],
    ["a guardrails-cis policy exists", enabled({ organizationConfiguration: central(), policies: success([{ id: "00000000-1111-2222-3333-444444444444", name: "guardrails-cis" }]) }), "conflict", /named guardrails-cis already exists/, /import "aws_securityhub_configuration_policy\..*" 00000000-1111-2222-3333-444444444444/],
    ["another configuration policy competes", enabled({ organizationConfiguration: central(), policies: success([{ id: "p1", name: "security-baseline" }]) }), "conflict", /security-baseline \(p1\) exists: .*closest association wins/, /delete-configuration-policy --identifier p1 --region us-east-1/],
    ["hub unreadable (role cannot be assumed)", { hub: failure("access-denied", "sts:AssumeRole …: access denied"), controlFindingGenerator: null, aggregators: null, organizationConfiguration: null, policies: null }, "unknown", /could not read Security Hub/, /sts:AssumeRole/],
    ["aggregators unreadable", enabled({ aggregators: failure("timeout", "timed out") }), "unknown", /finding aggregators could not be read/, /--call-timeout/],
    ["conflict outranks unknown", enabled({ aggregators: success([aggregatorHome]), organizationConfiguration: failure("throttled", "throttled") }), "conflict", /already exists.*could not be read/, /import/],
  ])("%s", (_name, evidence, status, detail, fix) => {
    const c = checkSecurityHubAdminState(plan, evidence);
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
  });

  test("LOCAL auto-enable on with the policy on OUs only: CENTRAL would silently stop enabling new accounts elsewhere", () => {
    const p = planOf(configWith({ securityHub: { targetIds: [OUS.workloads] } }));
    const c = checkSecurityHubAdminState(p, enabled({ organizationConfiguration: local(true) }));
    expect(c.status).toBe("conflict");
    expect(c.detail).toMatch(/LOCAL configuration with auto-enable on/);
    expect(c.fix).toContain(`set "securityHub": {"targetIds": ["r-ex01"]}`);
    expect(c.fix).toContain(`update-organization-configuration --no-auto-enable --auto-enable-standards NONE --region us-east-1   # in account ${IDS.tooling} (role OrganizationAccountAccessRole)`);
  });
});
