import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "../aws";
import { MANAGED_BY_TAG_KEY, MANAGED_BY_TAG_VALUE } from "../constants";
import type { GuardrailsConfig } from "../config/schema";

export const MANAGEMENT_STACK_NAME = "management";
export const SECURITY_TOOLING_STACK_NAME = "security-tooling";

/**
 * Explicit backend on every stack: without one cdktf writes the machine's absolute state path into
 * cdk.tf.json, so synth output would differ between machines.
 */
export function configureBackend(stack: TerraformStack, stackName: string, config: GuardrailsConfig): void {
  if (config.backend) {
    new S3Backend(stack, {
      bucket: config.backend.bucket,
      key: `${config.backend.keyPrefix}/${stackName}.tfstate`,
      region: config.backend.region,
      encrypt: true,
    });
    // cdktf 0.21 predates S3 native locking in its typed backend config.
    if (config.backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
  } else {
    new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
  }
}

export function configureProvider(stack: TerraformStack, config: GuardrailsConfig, assumeRoleArn?: string): AwsProvider {
  return new AwsProvider(stack, "aws", {
    region: config.homeRegion,
    allowedAccountIds: [assumeRoleArn ? config.securityToolingAccountId : config.managementAccountId],
    assumeRole: assumeRoleArn ? [{ roleArn: assumeRoleArn, sessionName: "cis-guardrails" }] : undefined,
    defaultTags: [{ tags: { [MANAGED_BY_TAG_KEY]: MANAGED_BY_TAG_VALUE } }],
  });
}
