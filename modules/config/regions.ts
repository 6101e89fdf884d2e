/**
 * AWS regions per partition, kept in code so a typo in a region name fails synth instead of a deploy
 * (and so no AWS call is needed to validate). Opt-in commercial regions are included: an organization
 * may govern them once enabled. Update this list when AWS launches a region.
 */
export type Partition = "aws" | "aws-us-gov" | "aws-cn";
export const PARTITIONS: readonly Partition[] = ["aws", "aws-us-gov", "aws-cn"];

export const REGIONS_BY_PARTITION: Readonly<Record<Partition, readonly string[]>> = {
  aws: [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
  ],
  "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
};

/** The 17 commercial regions enabled by default in every account (the "17 providers" of nozaq #223). */
export const DEFAULT_ENABLED_COMMERCIAL_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
  "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
];

/**
 * Region where IAM (a global service) delivers its CloudTrail events to EventBridge: root
 * `CreateAccessKey` calls can only be matched there.
 */
export const IAM_EVENT_REGION: Readonly<Record<Partition, string>> = {
  aws: "us-east-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-cn": "cn-north-1",
};

/**
 * Region of the Organizations endpoint, where its CloudTrail events (CreateAccountResult) reach EventBridge:
 * "In US East (N. Virginia) for commercial organizations; In AWS GovCloud (US-West) ...; In China (Ningxia) for
 * China organizations" (https://docs.aws.amazon.com/organizations/latest/userguide/region-support.html). Not IAM's
 * region in China (Beijing).
 */
export const ORGANIZATIONS_EVENT_REGION: Readonly<Record<Partition, string>> = {
  aws: "us-east-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-cn": "cn-northwest-1",
};

export function partitionOfRegion(region: string): Partition | undefined {
  return PARTITIONS.find((p) => REGIONS_BY_PARTITION[p].includes(region));
}

export function isAwsRegion(region: string): boolean {
  return partitionOfRegion(region) !== undefined;
}
