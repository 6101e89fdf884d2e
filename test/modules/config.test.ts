import { DEFAULT_MAX_ACCESS_KEY_AGE_DAYS, GATE_READ_ONLY_ROLE_NAME, READY_TAG_KEY } from "../../modules/constants";
import { EXAMPLE_CONFIG, validateConfig, type GuardrailsConfigInput } from "../../modules/config";
import { NOW } from "./helpers";

const validate = (raw: unknown) => validateConfig(raw, { now: NOW });
const errorsOf = (raw: unknown): string[] => {
  const result = validate(raw);
  return "errors" in result ? result.errors : [];
};
const withField = (patch: Record<string, unknown>): unknown => ({ ...EXAMPLE_CONFIG, ...patch });
const sh = (patch: Record<string, unknown>): unknown => withField({ securityHub: { ...EXAMPLE_CONFIG.securityHub, ...patch } });

describe("validateConfig", () => {
  it("accepts the embedded example and applies every default in one place", () => {
    const minimal: GuardrailsConfigInput = {
      managementAccountId: "111111111111",
      securityToolingAccountId: "222222222222",
      homeRegion: "us-east-1",
      governedRegions: ["us-east-1"],
      organization: { id: "o-ab12cd34ef", rootId: "r-ab12", targetOuIds: ["ou-ab12-11111111"], productionOuId: "ou-ab12-33333333" },
      awsConfig: { deliveryBucketName: "config-bucket" },
      evidence: { bucketName: "evidence-bucket" },
      gate: { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/Pipeline"] },
      alerting: { email: "a@example.com" },
    };
    const result = validate(minimal);
    if (!("config" in result)) throw new Error(result.errors.join("\n"));
    expect(result.config).toEqual({
      ...minimal,
      partition: "aws",
      securityHub: { cisVersions: ["5.0.0"], disabledStandards: [], disabledControls: [] },
      awsConfig: { maxAccessKeyAgeDays: DEFAULT_MAX_ACCESS_KEY_AGE_DAYS, recordersExist: false, deliveryBucketName: "config-bucket", createServiceLinkedRole: true, excludedAccountIds: [], managementRecorderExists: false },
      evidence: { bucketName: "evidence-bucket", retentionDays: 365 },
      gate: {
        roleName: GATE_READ_ONLY_ROLE_NAME,
        readyTagKey: READY_TAG_KEY,
        trustedPrincipalArns: ["arn:aws:iam::111111111111:role/Pipeline"],
        exceptionMaxWindowDays: 90,
        ownerTagKey: "owner",
        require: ["IAM.4"],
        attachPromotionPolicy: true,
      },
      remediation: { enabled: false, responderRoleArns: [] },
      scp: { denyAllRootActions: false, breakGlassPrincipalArns: [], maxPolicyCharacters: 10240, maxPoliciesPerTarget: 10, slotsAlreadyUsed: 1, slotsAlreadyUsedByTarget: {} },
      alerting: { email: "a@example.com", rootAccessKeyAlerts: true },
      deployment: { securityToolingRoleName: "OrganizationAccountAccessRole" },
      gateService: {
        enabled: false,
        runtime: "nodejs24.x",
        memoryMb: 1024,
        logRetentionDays: 365,
        workRetentionDays: 14,
        evidencePrefix: "gate-service",
        promote: { maxWaitHours: 24, callerRoleArns: [], onControlTowerAccountCreated: false, onOrganizationsAccountCreated: false, eventWaitMinutes: 240, eventMoveToProductionOu: false },
        sweep: { scheduled: true, schedule: "cron(0 6 * * ? *)", scheduleTimezone: "UTC", revoke: false, ouIds: [], batchSize: 50, maxConcurrency: 10, accountConcurrency: 8 },
      },
    });
    expect("config" in validate(EXAMPLE_CONFIG)).toBe(true);
  });

  it.each<[string, unknown, string[]]>([
    ["unknown region", withField({ governedRegions: ["eu-west-1", "eu-central-1", "us-east-9"] }), ['governedRegions[2]: "us-east-9" is not an AWS region']],
    ["malformed account id", withField({ managementAccountId: "12345" }), ['managementAccountId: "12345" is not a 12-digit AWS account id']],
    ["unknown top-level key", withField({ regions: ["eu-west-1"] }), ["regions: unknown field (not part of the configuration)"]],
    ["missing required field", { ...EXAMPLE_CONFIG, alerting: undefined }, ["alerting: is required"]],
    ["bad OU id", withField({ organization: { ...EXAMPLE_CONFIG.organization, productionOuId: "ou-1" } }), ['organization.productionOuId: "ou-1" is not an organizational unit id (ou-xxxx-xxxxxxxx)']],
    ["region of another partition", withField({ partition: "aws-us-gov", gate: { trustedPrincipalArns: ["arn:aws-us-gov:iam::111111111111:role/P"] }, scp: {} }), [
      'homeRegion: "eu-west-1" is not a region of partition "aws-us-gov"',
      'governedRegions[0]: "eu-west-1" is not a region of partition "aws-us-gov"',
      'governedRegions[1]: "eu-central-1" is not a region of partition "aws-us-gov"',
      'governedRegions[2]: "us-east-1" is not a region of partition "aws-us-gov"',
    ]],
    ["homeRegion not governed", withField({ governedRegions: ["eu-central-1"] }), ['governedRegions: ["eu-central-1"] must include homeRegion "eu-west-1"']],
    ["expired control disable", sh({ disabledControls: [{ controlId: "CloudTrail.7", reason: "handled by log archive", expires: "2026-11-01" }] }), [
      'securityHub.disabledControls[0].expires: "2026-11-01" has passed: renew the disable of CloudTrail.7 with a current reason or remove it',
    ]],
    ["disabled IAM.4", sh({ disabledControls: [{ controlId: "IAM.4", reason: "we really want to", expires: "2099-01-01" }] }), [
      'securityHub.disabledControls[0].controlId: "IAM.4" can never be disabled (root access keys are the production-readiness gate)',
    ]],
    ["disabled IAM.3", sh({ disabledControls: [{ controlId: "IAM.3", reason: "we really want to", expires: "2099-01-01" }] }), [
      `securityHub.disabledControls[0].controlId: "IAM.3" is always enabled; record per-key exceptions in the gate's exceptions register instead`,
    ]],
    ["disable without a reason", sh({ disabledControls: [{ controlId: "S3.1", reason: "", expires: "2099-01-01" }] }), ['securityHub.disabledControls[0].reason: "" needs a reason of at least 10 characters']],
    ["expired standard disable", sh({ cisVersions: ["3.0.0", "5.0.0"], disabledStandards: [{ cisVersion: "3.0.0", reason: "migrating to 5.0.0", expires: "2026-01-31" }] }), [
      'securityHub.disabledStandards[0].expires: "2026-01-31" has passed: renew the disable of CIS 3.0.0 with a current reason or remove it',
    ]],
    ["every standard disabled", sh({ cisVersions: ["5.0.0"], disabledStandards: [{ cisVersion: "5.0.0", reason: "migrating to 6.0.0", expires: "2099-01-31" }] }), [
      "securityHub.disabledStandards: disables every CIS version in securityHub.cisVersions; at least one must stay enabled",
    ]],
    ["no delivery bucket for new recorders", withField({ awsConfig: { recordersExist: false } }), [
      "awsConfig.deliveryBucketName: is required when awsConfig.recordersExist is false (the member accounts' delivery channels need a bucket)",
    ]],
    // Control Tower members have recorders, the management account does not get one from Control Tower.
    ["no delivery bucket for the management account's recorder", withField({ awsConfig: { recordersExist: true } }), [
      "awsConfig.deliveryBucketName: is required when awsConfig.managementRecorderExists is false (the management account's delivery channel needs a bucket)",
    ]],
    ["bad delivery key prefix", withField({ awsConfig: { ...EXAMPLE_CONFIG.awsConfig, deliveryKeyPrefix: "o-ab12cd34ef prefix" } }), [
      'awsConfig.deliveryKeyPrefix: "o-ab12cd34ef prefix" is not an S3 key prefix',
    ]],
    ["principal of another partition", withField({ gate: { trustedPrincipalArns: ["arn:aws-cn:iam::111111111111:role/P"] } }), [
      'gate.trustedPrincipalArns[0]: "arn:aws-cn:iam::111111111111:role/P" is not in partition "aws"',
    ]],
  ])("rejects %s with the field path and the bad value", (_name, raw, expected) => {
    expect(errorsOf(raw)).toEqual(expected);
  });

  it("needs no delivery bucket when every recorder already exists (members and management account)", () => {
    expect(errorsOf(withField({ awsConfig: { recordersExist: true, managementRecorderExists: true } }))).toEqual([]);
  });

  it("reports several structural errors at once", () => {
    const errors = errorsOf(withField({ managementAccountId: "1", homeRegion: "mars-1", governedRegions: ["x"], extra: true }));
    expect(errors).toEqual([
      'managementAccountId: "1" is not a 12-digit AWS account id',
      'homeRegion: "mars-1" is not an AWS region',
      'governedRegions[0]: "x" is not an AWS region',
      "extra: unknown field (not part of the configuration)",
    ]);
  });

  it("accepts an unexpired disable and the us-gov and China partitions", () => {
    expect(errorsOf(sh({ disabledControls: [{ controlId: "CloudTrail.7", reason: "handled by log archive", expires: "2026-11-25" }] }))).toEqual([]);
    for (const [partition, region] of [["aws-us-gov", "us-gov-west-1"], ["aws-cn", "cn-north-1"]] as const) {
      expect(errorsOf(withField({
        partition, homeRegion: region, governedRegions: [region],
        gate: { trustedPrincipalArns: [`arn:${partition}:iam::111111111111:role/P`] }, scp: {},
      }))).toEqual([]);
    }
  });
});
