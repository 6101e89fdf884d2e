/** Public surface of the local AWS endpoint used by gate tests, the demo and benchmarks. */
export { startLocalAws, type LocalAws, type RecordedRequest, type StartOptions } from "./server";
export type { FaultKind, FaultRule, ServiceName } from "./faults";
export {
  DEFAULT_ACCESS_KEY_ID, DEFAULT_GATE_ROLE, type AccountStatus, type AccountStatusFields, DEFAULT_SECRET_ACCESS_KEY, addAccount, addOrganizationalUnit, emptyWorld,
  iamRootAccessKeyRule, rootKeyId, type AccountState, type ConfigRule, type CredentialReportState, type IamAccessKey, type IamUser,
  type NewAccount, type OrganizationalUnit, type RootKeySlot, type World, type WorldHooks,
} from "./world";
export {
  EXAMPLE_IDS, accountAwaitingFindings, accountWithInactiveRootKey, bigOrganization, cleanAccount, exampleWorld, withRootAccessKeys,
  type AccountOptions, type BigOrganizationOptions,
} from "./builders";
export { controlFinding, type AsffFinding, type ComplianceStatus, type ControlFindingSpec, type FindingShape } from "./findings";
export { TEST_CREDENTIALS, clientConfig, endpointEnv, useEndpointCredentials } from "./helpers";
export { CREDENTIAL_REPORT_COLUMNS, renderCredentialReport } from "./credential-report";
