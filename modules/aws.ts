/**
 * The one place provider classes are imported. cdktf is archived upstream and CDK Terrain
 * (`@cdktn/provider-aws`) is its drop-in successor: switching touches this file only.
 * Deep paths only: the package's barrel loads 2,200 modules and makes synth, tsc and every
 * test file 4-10x slower.
 */
export { AwsProvider } from "@cdktf/provider-aws/lib/provider";
export type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
export { SecurityhubOrganizationAdminAccount } from "@cdktf/provider-aws/lib/securityhub-organization-admin-account";
export { SecurityhubOrganizationConfiguration } from "@cdktf/provider-aws/lib/securityhub-organization-configuration";
export { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator";
export { SecurityhubConfigurationPolicy } from "@cdktf/provider-aws/lib/securityhub-configuration-policy";
export { SecurityhubConfigurationPolicyAssociation } from "@cdktf/provider-aws/lib/securityhub-configuration-policy-association";
export { ConfigOrganizationManagedRule } from "@cdktf/provider-aws/lib/config-organization-managed-rule";
export { ConfigConfigurationAggregator } from "@cdktf/provider-aws/lib/config-configuration-aggregator";
export { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
export { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
export { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
export { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
export { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
export { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
export { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
export { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
export { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
export { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
export { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
export { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
export { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
export { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
export { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
export { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
export { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
export { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
export { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
export { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
export { IamRole } from "@cdktf/provider-aws/lib/iam-role";
export { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
export { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
export { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
export { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
export { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
export { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
export { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
export { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
export { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
