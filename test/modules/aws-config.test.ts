import { baselineRegions, ConfigDelegation, ConfigOrganizationRules, MemberBaselineStackSet, memberBaselineTemplate, rootCreateAccessKeyPattern } from "../../modules/aws-config";
import { gateReadOnlyPolicy, gateTrustPolicy } from "../../modules/gate-access";
import { onlyResource, resourcesOf, synth, type Json } from "./helpers";

describe("ConfigOrganizationRules", () => {
  const rules = (maxAccessKeyAgeDays?: number): Json =>
    synth((scope) => new ConfigOrganizationRules(scope, "cfg", { partition: "aws", governedRegions: ["eu-west-1", "us-east-1"], maxAccessKeyAgeDays }));

  it.each([[undefined, "90"], [45, "45"]])("deploys both IAM rules (maxAccessKeyAgeDays %s -> %s)", (days, expected) => {
    expect(resourcesOf(rules(days), "aws_config_organization_managed_rule")).toEqual([
      {
        name: "guardrails-access-keys-rotated",
        description: `IAM.3: active access keys are rotated within ${expected} days`,
        rule_identifier: "ACCESS_KEYS_ROTATED",
        input_parameters: `{"maxAccessKeyAge":"${expected}"}`,
        maximum_execution_frequency: "TwentyFour_Hours",
      },
      {
        name: "guardrails-iam-root-access-key-check",
        description: "IAM.4: the root user has no access key",
        rule_identifier: "IAM_ROOT_ACCESS_KEY_CHECK",
        maximum_execution_frequency: "TwentyFour_Hours",
      },
    ]);
  });

  it("aggregates the governed regions of the organization with the AWS managed role policy", () => {
    const json = rules();
    const aggregator = onlyResource(json, "aws_config_configuration_aggregator");
    expect(aggregator).toEqual({
      name: "guardrails-organization",
      organization_aggregation_source: { regions: ["eu-west-1", "us-east-1"], role_arn: expect.stringMatching(/^\$\{aws_iam_role\.cfg_aggregator-role_\w+\.arn\}$/) },
    });
    expect(onlyResource(json, "aws_iam_role_policy_attachment").policy_arn).toBe("arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations");
    expect(JSON.parse(onlyResource(json, "aws_iam_role").assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  it("rejects a key age outside 1..365", () => {
    expect(() => rules(0)).toThrow("ConfigOrganizationRules: maxAccessKeyAgeDays 0 is not an integer in 1..365");
  });

  it("delegates rules and aggregator administration", () => {
    const json = synth((scope) => new ConfigDelegation(scope, "d", { adminAccountId: "222222222222" }));
    expect(resourcesOf(json, "aws_organizations_delegated_administrator")).toEqual([
      { account_id: "222222222222", service_principal: "config-multiaccountsetup.amazonaws.com" },
      { account_id: "222222222222", service_principal: "config.amazonaws.com" },
    ]);
  });
});

describe("MemberBaselineStackSet", () => {
  const parameters = {
    CreateRecorder: "true",
    CreateConfigServiceLinkedRole: "true",
    DeliveryBucketName: "config-bucket",
    DeliveryKeyPrefix: "",
    SecurityToolingAccountId: "222222222222",
    GateRoleName: "GuardrailsGateReadOnly",
    ForwardRootEvents: "true",
    CentralEventBusArn: "arn:aws:events:eu-west-1:222222222222:event-bus/default",
  };
  const trust = gateTrustPolicy("aws", ["arn:aws:iam::111111111111:role/Pipeline"]);
  const templateBody = JSON.stringify(memberBaselineTemplate({ iamEventRegion: "us-east-1", gateReadOnlyPolicy: gateReadOnlyPolicy(), gateTrustPolicy: trust }));
  const build = (governedRegions: string[], forwardRootEvents = true): Json =>
    synth((scope) => new MemberBaselineStackSet(scope, "mb", {
      homeRegion: "eu-west-1", governedRegions, targetOuIds: ["ou-ab12-11111111"], iamEventRegion: "us-east-1", forwardRootEvents,
      templateBody, parameters: { ...parameters, ForwardRootEvents: String(forwardRootEvents) },
    }));

  it("is a service-managed StackSet with auto-deployment, carrying the template and parameters", () => {
    const stackSet = onlyResource(build(["eu-west-1", "eu-central-1"]), "aws_cloudformation_stack_set");
    expect(stackSet).toEqual({
      name: "guardrails-member-baseline",
      description: "CIS guardrails: Config recorder, gate read-only role, root event forwarding in every account",
      permission_model: "SERVICE_MANAGED",
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managed_execution: { active: true },
      operation_preferences: { failure_tolerance_percentage: 10, max_concurrent_percentage: 25, region_concurrency_type: "SEQUENTIAL" },
      parameters: { ...parameters, HomeRegion: "eu-west-1" },
      template_body: templateBody,
      lifecycle: { ignore_changes: ["administration_role_arn"] },
    });
  });

  it("deploys one instance per region to the target OUs, home region first, then one after another", () => {
    const instances = resourcesOf(build(["eu-central-1", "eu-west-1"]), "aws_cloudformation_stack_set_instance");
    const byRegion = Object.fromEntries(instances.map((i) => [i.stack_set_instance_region, i]));
    expect(Object.keys(byRegion).sort()).toEqual(["eu-central-1", "eu-west-1", "us-east-1"]);
    expect(byRegion["eu-west-1"]).toEqual({
      stack_set_name: expect.stringMatching(/^\$\{aws_cloudformation_stack_set\.mb_stack-set_\w+\.name\}$/),
      stack_set_instance_region: "eu-west-1",
      deployment_targets: { organizational_unit_ids: ["ou-ab12-11111111"] },
      retain_stack: false,
    });
    expect(byRegion["eu-central-1"]!.depends_on).toEqual([expect.stringContaining("instance-eu-west-1")]);
    // us-east-1 is not governed: deployed only to forward root events, without a recorder.
    expect(byRegion["us-east-1"]!.parameter_overrides).toEqual({ CreateRecorder: "false" });
    expect(byRegion["us-east-1"]!.depends_on).toEqual([expect.stringContaining("instance-eu-central-1")]);
  });

  it("does not add the IAM event region when root-event forwarding is off", () => {
    const instances = resourcesOf(build(["eu-west-1"], false), "aws_cloudformation_stack_set_instance");
    expect(instances.map((i) => i.stack_set_instance_region)).toEqual(["eu-west-1"]);
  });

  it("computes regions home first, then the others, then the IAM event region", () => {
    expect(baselineRegions({ homeRegion: "eu-west-1", governedRegions: ["us-east-1", "eu-west-1"], iamEventRegion: "us-east-1", forwardRootEvents: true })).toEqual(["eu-west-1", "us-east-1"]);
    expect(() => baselineRegions({ homeRegion: "eu-west-1", governedRegions: ["us-east-1"], iamEventRegion: "us-east-1", forwardRootEvents: true })).toThrow('governedRegions does not include homeRegion "eu-west-1"');
  });
});

describe("member baseline template", () => {
  const template = memberBaselineTemplate({
    iamEventRegion: "us-east-1",
    gateReadOnlyPolicy: gateReadOnlyPolicy(),
    gateTrustPolicy: gateTrustPolicy("aws", ["arn:aws:iam::111111111111:role/Pipeline"]),
  }) as Json;

  it("records global resources only in the home region, with the Config service-linked role", () => {
    expect(template.Resources.ConfigRecorder).toEqual({
      Type: "AWS::Config::ConfigurationRecorder",
      Condition: "RecorderEnabled",
      Properties: {
        Name: "default",
        RoleARN: {
          "Fn::If": [
            "CreateServiceLinkedRole",
            { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/${ConfigServiceLinkedRole}" },
            { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig" },
          ],
        },
        RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { "Fn::If": ["IsHomeRegion", true, false] } },
      },
    });
    expect(template.Conditions.IsHomeRegion).toEqual({ "Fn::Equals": [{ Ref: "AWS::Region" }, { Ref: "HomeRegion" }] });
    expect(template.Conditions.RecorderEnabled).toEqual({ "Fn::Equals": [{ Ref: "CreateRecorder" }, "true"] });
    expect(template.Resources.ConfigDeliveryChannel.Properties).toEqual({
      Name: "default",
      S3BucketName: { Ref: "DeliveryBucketName" },
      S3KeyPrefix: { "Fn::If": ["HasDeliveryKeyPrefix", { Ref: "DeliveryKeyPrefix" }, { Ref: "AWS::NoValue" }] },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: "One_Hour" },
    });
    expect(template.Conditions.HasDeliveryKeyPrefix).toEqual({ "Fn::Not": [{ "Fn::Equals": [{ Ref: "DeliveryKeyPrefix" }, ""] }] });
  });

  it("creates the gate role once per account (home region), except in the security-tooling account", () => {
    expect(template.Conditions.CreateGateRole).toEqual({
      "Fn::And": [{ Condition: "IsHomeRegion" }, { "Fn::Not": [{ "Fn::Equals": [{ Ref: "AWS::AccountId" }, { Ref: "SecurityToolingAccountId" }] }] }],
    });
    expect(template.Resources.GateReadOnlyRole.Properties.Policies).toEqual([{ PolicyName: "GuardrailsGateReadOnly", PolicyDocument: gateReadOnlyPolicy() }]);
  });

  it("forwards root CreateAccessKey calls from the IAM event region to the central bus with a role", () => {
    expect(template.Conditions.ForwardRootEventsHere).toEqual({
      "Fn::And": [{ "Fn::Equals": [{ Ref: "ForwardRootEvents" }, "true"] }, { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] }],
    });
    expect(template.Resources.RootEventForwardingRule.Properties).toEqual({
      Description: "Forward root CreateAccessKey calls to the security-tooling account",
      EventPattern: rootCreateAccessKeyPattern(),
      State: "ENABLED",
      Targets: [{ Id: "central-bus", Arn: { Ref: "CentralEventBusArn" }, RoleArn: { "Fn::GetAtt": ["RootEventForwardingRole", "Arn"] } }],
    });
    expect(rootCreateAccessKeyPattern()).toEqual({
      source: ["aws.iam"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["iam.amazonaws.com"], eventName: ["CreateAccessKey"], userIdentity: { type: ["Root"] } },
    });
  });
});
