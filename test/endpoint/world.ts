/**
 * The state the local endpoint serves: an AWS organization with per-account IAM, Config, Security Hub
 * and S3 state. Plain data (JSON-serializable) except `hooks`, so tests can mutate it between calls and
 * `reset()` can restore a snapshot.
 */
import type { AsffFinding } from "./findings";

export const DEFAULT_GATE_ROLE = "GuardrailsGateReadOnly";
/** The AWS documentation's example access key id; tests put it in AWS_ACCESS_KEY_ID. */
export const DEFAULT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/**
 * The account's lifecycle `State` (DescribeAccount / ListAccounts). The deprecated `Status` field the
 * endpoint also serves is derived from it (organizations.ts).
 */
export type AccountStatus = "PENDING_ACTIVATION" | "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";

/**
 * Which account status fields Organizations answers with: both (2025 to September 2026), only the
 * deprecated `Status` (before 2025), or only `State` (after `Status` is retired).
 */
export type AccountStatusFields = "both" | "Status" | "State";

/**
 * One root access key: a slot of the credential report, and what a centralized-root session's
 * ListAccessKeys (no UserName) lists. Deleting it (DeleteAccessKey in a root session) removes it here.
 */
export interface RootKeySlot {
  active: boolean;
  /** ISO 8601; inactive keys keep their date (controls.md quirk Q1). Also the key's CreateDate. */
  lastRotated: string;
  /** The key id; default `AKIA<account>RTK<n>` (rootKeyId). */
  accessKeyId?: string;
  lastUsed?: { date: string; region: string; service: string };
}

/** The id a root key answers with: its own, else one derived from the account and its position. */
export function rootKeyId(account: { id: string; rootKeys: RootKeySlot[] }, index: number): string {
  return account.rootKeys[index]?.accessKeyId ?? `AKIA${account.id}RTK${index + 1}`;
}

export interface IamAccessKey {
  accessKeyId: string;
  status: "Active" | "Inactive" | string;
  createDate: string;
  lastUsed?: { date: string; region: string; service: string };
}

export interface IamUser {
  userName: string;
  userId: string;
  path: string;
  createDate: string;
  passwordEnabled: boolean;
  tags: Record<string, string>;
  accessKeys: IamAccessKey[];
}

/**
 * The account's single credential report (AWS keeps one; generating overwrites it).
 * absent → ReportNotPresent; generating → ReportInProgress until `pollsRemaining` reaches 0;
 * expired → ReportExpired; ready → served from `content` if set, else rendered live from the account.
 */
export interface CredentialReportState {
  state: "absent" | "generating" | "ready" | "expired";
  generatedTime: string | null;
  /** Generate/Get calls answered "in progress" before a started report completes. */
  pollsToComplete: number;
  pollsRemaining: number;
  format: "2025" | "2022";
  /** Raw CSV served verbatim (malformed-report tests); overrides rendering. */
  content?: string;
  /**
   * The report as it was when generated, kept once the account's root keys change (a root-session
   * DeleteAccessKey): AWS serves the stored report until a new one is generated, and hands back one younger
   * than 4 h instead of generating. Cleared when the endpoint generates a new report.
   */
  frozenContent?: string;
}

export interface ConfigRule {
  name: string;
  sourceIdentifier: string;
  owner: "AWS" | "CUSTOM_LAMBDA" | "CUSTOM_POLICY";
  maximumExecutionFrequency?: string;
  createdBy?: string;
}

/** A Config recorder (DescribeConfigurationRecorders); servicePrincipal set = service-linked. */
export interface ConfigRecorderState {
  name: string;
  recording: boolean;
  servicePrincipal?: string;
}

/** Security Hub organization state an administrator account holds (DescribeOrganizationConfiguration). */
export interface SecurityHubOrganizationState {
  configurationType: "LOCAL" | "CENTRAL";
  status: "PENDING" | "ENABLED" | "FAILED";
  autoEnable: boolean;
  autoEnableStandards: "NONE" | "DEFAULT";
}

export interface ConfigurationPolicyState {
  id: string;
  name: string;
}

export interface AccountState {
  id: string;
  name: string;
  email: string;
  status: AccountStatus;
  /** Which status fields Organizations answers with for this account (default both). */
  statusFields?: AccountStatusFields;
  /** Root id or OU id. */
  parentId: string;
  joinedTimestamp: string;
  tags: Record<string, string>;
  /** Role names that exist (and trust the gate) in this account. */
  roles: string[];
  /** GetAccountSummary.SummaryMap.AccountAccessKeysPresent; "omit" drops the key from the map. */
  rootAccessKeysPresent: number | "omit";
  /**
   * IAM's eventual consistency after a root-session DeleteAccessKey: GetAccountSummary keeps counting the
   * deleted key for this many more reads (default 0: the summary is live at once).
   */
  summaryLagReads?: number;
  /** Set by a deletion while summaryLagReads applies: the count still answered, and for how many reads. */
  summaryLag?: { count: number; reads: number };
  rootMfaActive: boolean;
  /** Root row password_enabled; `not_supported` is what pre-2025 reports print. */
  rootPasswordEnabled: "true" | "false" | "not_supported";
  rootKeys: RootKeySlot[];
  users: IamUser[];
  credentialReport: CredentialReportState;
  /** Regions where Security Hub is enabled (DescribeHub/GetFindings work there). */
  securityHubRegions: string[];
  /**
   * DescribeHub ControlFindingGenerator; null omits the field. Default SECURITY_CONTROL (hubs enabled since
   * 2023-02-23). Per account: members follow their administrator in AWS, so tests set them alike.
   */
  controlFindingGenerator?: "SECURITY_CONTROL" | "STANDARD_CONTROL" | null;
  /**
   * Service principals whose service-linked role exists (iam:GetRole AWSServiceRoleFor…); default none, as
   * in an account where the stacks have not created Config's yet.
   */
  serviceLinkedRoles?: string[];
  /** Standards ARNs (per region, `<region>` placeholder allowed) returned by GetEnabledStandards. */
  enabledStandards: string[];
  /** Config rules by region. */
  configRules: Record<string, ConfigRule[]>;
  /** Config recorders by region (none by default). */
  configRecorders: Record<string, ConfigRecorderState[]>;
  /** Security Hub finding aggregator ARNs (an account has at most one; its region is in the ARN). */
  findingAggregators: string[];
  /** Held when this account is a Security Hub administrator. */
  securityHubOrganization: SecurityHubOrganizationState;
  /** Security Hub configuration policies (central configuration). */
  configurationPolicies: ConfigurationPolicyState[];
}

/** An Organizations policy (SCP); targets are root, OU or account ids it is attached to. */
export interface OrganizationPolicy {
  id: string;
  name: string;
  type: "SERVICE_CONTROL_POLICY";
  awsManaged: boolean;
  targets: string[];
}

/** A CloudTrail trail of the management account (organization trails show in every account). */
export interface TrailState {
  name: string;
  homeRegion: string;
  isMultiRegion: boolean;
  includeGlobalServiceEvents: boolean;
  isOrganizationTrail: boolean;
  isLogging: boolean;
  /** GetEventSelectors as AWS returns them; omitted: the default (all management events). */
  eventSelectors?: { ReadWriteType?: string; IncludeManagementEvents?: boolean; ExcludeManagementEventSources?: string[] }[];
  advancedEventSelectors?: { Name?: string; FieldSelectors: { Field: string; Equals?: string[]; NotEquals?: string[]; StartsWith?: string[] }[] }[];
}

export interface OrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface S3Object {
  body: string; // base64
  headers: Record<string, string>;
  lastModified: string;
  etag: string;
}
export interface S3Bucket {
  ownerAccountId: string;
  objectLockEnabled: boolean;
  objects: Record<string, S3Object>;
}

/** What the endpoint saw of a Config re-evaluation request; hooks may react to it. */
export interface ConfigEvaluationRequest {
  accountId: string;
  region: string;
  ruleNames: string[];
  at: string;
}

/** Behaviour that is code rather than data; kept apart so the data can be snapshotted. */
export interface WorldHooks {
  /** The endpoint's clock (report GeneratedTime, 4-hour reuse window, SubscribedAt). */
  now?: () => Date;
  /** Called after StartConfigRulesEvaluation, e.g. to make a pending finding appear. */
  onConfigRulesEvaluation?: (world: World, request: ConfigEvaluationRequest) => void;
}

export interface World {
  partition: string;
  organizationId: string;
  rootId: string;
  managementAccountId: string;
  /** Long-term access key id → account id (the SDK default chain's static keys). */
  accessKeys: Record<string, string>;
  accounts: Record<string, AccountState>;
  organizationalUnits: Record<string, OrganizationalUnit>;
  /** IAM ListOrganizationsFeatures: e.g. RootCredentialsManagement, RootSessions. */
  organizationFeatures: string[];
  /** The Security Hub aggregating (security-tooling) account: where findings are stored. */
  securityHubAccountId: string;
  /** Security Hub findings held by the aggregating account (key = that account's id). */
  findings: Record<string, AsffFinding[]>;
  /**
   * Findings that appear in the aggregating account once StartConfigRulesEvaluation runs in the
   * member account (key = member account id): models "the control has not run yet".
   */
  findingsAfterEvaluation: Record<string, AsffFinding[]>;
  s3Buckets: Record<string, S3Bucket>;
  configEvaluations: ConfigEvaluationRequest[];
  /** DescribeOrganization FeatureSet. */
  featureSet: "ALL" | "CONSOLIDATED_BILLING";
  /** ListRoots PolicyTypes of the root. */
  rootPolicyTypes: { type: string; status: "ENABLED" | "PENDING_ENABLE" | "PENDING_DISABLE" }[];
  /** ListAWSServiceAccessForOrganization: service principals with trusted access. */
  trustedServices: string[];
  /** ListDelegatedAdministrators: service principal -> account ids. */
  delegatedAdministrators: Record<string, string[]>;
  /** Organizations policies by id; FullAWSAccess is attached to the root and to every OU created. */
  policies: Record<string, OrganizationPolicy>;
  /** Security Hub administrator account per region (ListOrganizationAdminAccounts). */
  securityHubAdmins: Record<string, string>;
  /** The management account's CloudTrail trails. */
  trails: TrailState[];
  hooks: WorldHooks;
}

export function worldNow(world: World): Date {
  return world.hooks.now ? world.hooks.now() : new Date();
}

/** AWS's managed SCP, attached by default to the root and to every OU and account. */
export const FULL_AWS_ACCESS_POLICY_ID = "p-FullAWSAccess";

/** An empty organization whose management account is `managementAccountId`. */
export function emptyWorld(managementAccountId = "111111111111"): World {
  const ROOT_ID = "r-ex01";
  const world: World = {
    partition: "aws",
    organizationId: "o-exampleorg1",
    rootId: ROOT_ID,
    managementAccountId,
    accessKeys: { [DEFAULT_ACCESS_KEY_ID]: managementAccountId },
    accounts: {},
    organizationalUnits: {},
    organizationFeatures: ["RootCredentialsManagement", "RootSessions"],
    securityHubAccountId: managementAccountId,
    findings: {},
    findingsAfterEvaluation: {},
    s3Buckets: {},
    configEvaluations: [],
    featureSet: "ALL",
    rootPolicyTypes: [{ type: "SERVICE_CONTROL_POLICY", status: "ENABLED" }],
    trustedServices: [],
    delegatedAdministrators: {},
    policies: { [FULL_AWS_ACCESS_POLICY_ID]: { id: FULL_AWS_ACCESS_POLICY_ID, name: "FullAWSAccess", type: "SERVICE_CONTROL_POLICY", awsManaged: true, targets: [ROOT_ID] } },
    securityHubAdmins: {},
    trails: [],
    hooks: {},
  };
  addAccount(world, { id: managementAccountId, name: "management" });
  return world;
}

export interface NewAccount {
  id: string;
  name?: string;
  parentId?: string;
  status?: AccountStatus;
  tags?: Record<string, string>;
  roles?: string[];
  securityHubRegions?: string[];
}

/**
 * Adds a clean account: no root keys, a fresh ready credential report, Security Hub and the
 * IAM.4 Config rule in us-east-1, the gate role provisioned.
 */
export function addAccount(world: World, spec: NewAccount): AccountState {
  const now = worldNow(world);
  const regions = spec.securityHubRegions ?? ["us-east-1"];
  const account: AccountState = {
    id: spec.id,
    name: spec.name ?? `account-${spec.id}`,
    email: `aws+${spec.id}@example.com`,
    status: spec.status ?? "ACTIVE",
    parentId: spec.parentId ?? world.rootId,
    joinedTimestamp: "2024-01-15T10:00:00.000Z",
    tags: { ...(spec.tags ?? {}) },
    roles: spec.roles ?? [DEFAULT_GATE_ROLE],
    rootAccessKeysPresent: 0,
    rootMfaActive: true,
    rootPasswordEnabled: "true",
    rootKeys: [],
    users: [],
    credentialReport: {
      state: "ready",
      generatedTime: new Date(now.getTime() - 60 * 60 * 1000).toISOString(),
      pollsToComplete: 2,
      pollsRemaining: 0,
      format: "2025",
    },
    securityHubRegions: regions,
    enabledStandards: ["arn:aws:securityhub:<region>::standards/cis-aws-foundations-benchmark/v/3.0.0"],
    configRules: Object.fromEntries(regions.map((r) => [r, [iamRootAccessKeyRule(spec.id)]])),
    configRecorders: {},
    findingAggregators: [],
    securityHubOrganization: { configurationType: "LOCAL", status: "ENABLED", autoEnable: false, autoEnableStandards: "NONE" },
    configurationPolicies: [],
  };
  world.accounts[spec.id] = account;
  return account;
}

/** Security Hub's service-linked rule for IAM.4; the suffix is 8 hex chars derived from the account. */
export function iamRootAccessKeyRule(accountId: string): ConfigRule {
  const suffix = (Number(accountId.slice(-8)) >>> 0).toString(16).padStart(8, "0").slice(-8);
  return {
    name: `securityhub-iam-root-access-key-check-${suffix}`,
    sourceIdentifier: "IAM_ROOT_ACCESS_KEY_CHECK",
    owner: "AWS",
    maximumExecutionFrequency: "TwentyFour_Hours",
    createdBy: "securityhub.amazonaws.com",
  };
}

export function addOrganizationalUnit(world: World, id: string, name: string, parentId?: string): OrganizationalUnit {
  const ou = { id, name, parentId: parentId ?? world.rootId };
  world.organizationalUnits[id] = ou;
  world.policies[FULL_AWS_ACCESS_POLICY_ID]?.targets.push(id);
  return ou;
}

export function getAccount(world: World, accountId: string): AccountState | undefined {
  return Object.prototype.hasOwnProperty.call(world.accounts, accountId) ? world.accounts[accountId] : undefined;
}
