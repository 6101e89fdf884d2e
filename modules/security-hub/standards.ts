import type { Partition } from "../config/regions";
import type { CisVersion } from "../config/schema";

/**
 * The one place standards ARNs are built. CIS 1.2.0 predates regional standards and only exists as the
 * global `ruleset` ARN (no region); 1.4.0 and later are regional `standards` ARNs. Getting this wrong is
 * the most common bug in the anchors (terraform-provider-aws #28522, nozaq #92).
 */
export function cisStandardArn(partition: Partition, version: CisVersion, region: string): string {
  if (version === "1.2.0") return `arn:${partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0`;
  return `arn:${partition}:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/${version}`;
}
