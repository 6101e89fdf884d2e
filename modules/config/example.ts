/**
 * The embedded example organization main.ts synthesizes when no config file is given. Ids are
 * documentation values (AWS's own example account ids); nothing here is a real organization.
 */
import type { GuardrailsConfigInput } from "./schema";

export const EXAMPLE_CONFIG: GuardrailsConfigInput = {
  partition: "aws",
  managementAccountId: "111111111111",
  securityToolingAccountId: "222222222222",
  homeRegion: "eu-west-1",
  governedRegions: ["eu-west-1", "eu-central-1", "us-east-1"],
  organization: {
    id: "o-ab12cd34ef",
    rootId: "r-ab12",
    targetOuIds: ["ou-ab12-11111111", "ou-ab12-22222222"],
    productionOuId: "ou-ab12-33333333",
  },
  securityHub: {
    cisVersions: ["5.0.0"],
    disabledControls: [
      {
        controlId: "CloudTrail.7",
        reason: "S3 access logging for the CloudTrail bucket is handled by the log-archive account's own standard",
        expires: "2099-12-31",
      },
    ],
  },
  awsConfig: { maxAccessKeyAgeDays: 90, recordersExist: false, deliveryBucketName: "example-org-config-delivery" },
  evidence: { bucketName: "example-org-guardrails-evidence", retentionDays: 365 },
  gate: { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/AccountVendingPipeline"] },
  scp: { breakGlassPrincipalArns: ["arn:aws:iam::*:role/BreakGlassAdministrator"], slotsAlreadyUsed: 1 },
  alerting: { email: "security-alerts@example.com" },
};
