import { Alerting, failedGateControlFindingsPattern } from "../../modules/alerting";
import { EvidenceBucket } from "../../modules/evidence-bucket";
import { rootCreateAccessKeyPattern } from "../../modules/aws-config";
import { onlyResource, resourcesOf, synth } from "./helpers";

describe("Alerting", () => {
  const json = synth((scope) => new Alerting(scope, "alerts", {
    partition: "aws", accountId: "222222222222", homeRegion: "eu-west-1", email: "sec@example.com", organizationId: "o-ab12cd34ef",
  }));

  it("encrypts the topic with a key EventBridge may use", () => {
    const key = onlyResource(json, "aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    expect(JSON.parse(key.policy).Statement).toEqual([
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" },
      {
        Sid: "EventBridgePublishesEncrypted", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "222222222222" } },
      },
    ]);
    expect(onlyResource(json, "aws_sns_topic")).toEqual({ name: "guardrails-alerts", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.alerts_key_\w+\.arn\}$/) });
    expect(onlyResource(json, "aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "sec@example.com" });
    expect(JSON.parse(onlyResource(json, "aws_sns_topic_policy").policy).Statement[0]).toMatchObject({
      Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Condition: { StringEquals: { "aws:SourceAccount": "222222222222" } },
    });
  });

  it("routes IAM.4 / IAM.3 findings that open FAILED and root CreateAccessKey calls to the topic", () => {
    const rules = resourcesOf(json, "aws_cloudwatch_event_rule");
    expect(rules.map((r) => [r.name, JSON.parse(r.event_pattern)])).toEqual([
      ["guardrails-gate-control-failed", {
        source: ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        detail: { findings: { Compliance: { Status: ["FAILED"], SecurityControlId: ["IAM.4", "IAM.3"] }, RecordState: ["ACTIVE"], Workflow: { Status: ["NEW"] }, Region: ["eu-west-1"] } },
      }],
      ["guardrails-root-create-access-key", rootCreateAccessKeyPattern()],
    ]);
    expect(failedGateControlFindingsPattern("eu-west-1")).toEqual(JSON.parse(rules[0]!.event_pattern));
    const topicTargets = resourcesOf(json, "aws_cloudwatch_event_target").filter((t) => t.target_id === "alert-topic");
    expect(topicTargets.map((t) => [t.rule.split(".")[1], t.arn])).toEqual([
      [expect.stringContaining("gate-control-failed"), expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/)],
      [expect.stringContaining("root-create-access-key"), expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/)],
    ]);
  });

  it("lets the organization's accounts, by organization id, forward events to the default bus", () => {
    expect(JSON.parse(onlyResource(json, "aws_cloudwatch_event_bus_policy").policy).Statement[0]).toEqual({
      Sid: "OrganizationForwardsRootEvents", Effect: "Allow", Principal: "*", Action: "events:PutEvents",
      Resource: "arn:aws:events:eu-west-1:222222222222:event-bus/default",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-ab12cd34ef" } },
    });
  });

  it("has no bus policy when root-event forwarding is off", () => {
    const off = synth((scope) => new Alerting(scope, "alerts", { partition: "aws", accountId: "222222222222", homeRegion: "eu-west-1", email: "sec@example.com" }));
    expect(resourcesOf(off, "aws_cloudwatch_event_bus_policy")).toEqual([]);
  });
});

describe("EvidenceBucket", () => {
  const json = synth((scope) => new EvidenceBucket(scope, "ev", {
    partition: "aws", bucketName: "org-evidence", retentionDays: 400, writerPrincipalArns: ["arn:aws:iam::111111111111:role/Pipeline"],
  }));

  it.each([
    ["aws_s3_bucket", { bucket: "org-evidence", object_lock_enabled: true, force_destroy: false }],
    ["aws_s3_bucket_versioning", { versioning_configuration: { status: "Enabled" } }],
    ["aws_s3_bucket_server_side_encryption_configuration", { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] }],
    ["aws_s3_bucket_public_access_block", { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }],
    ["aws_s3_bucket_ownership_controls", { rule: { object_ownership: "BucketOwnerEnforced" } }],
    ["aws_s3_bucket_object_lock_configuration", { rule: { default_retention: { mode: "COMPLIANCE", days: 400 } } }],
  ])("%s", (type, expected) => {
    expect(onlyResource(json, type)).toMatchObject(expected);
  });

  it("denies non-TLS access and lets the gate's principals write", () => {
    expect(JSON.parse(onlyResource(json, "aws_s3_bucket_policy").policy).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
        Resource: ["arn:aws:s3:::org-evidence", "arn:aws:s3:::org-evidence/*"], Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "GateWritesEvidence", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111111111111:root"] }, Action: "s3:PutObject",
        Resource: "arn:aws:s3:::org-evidence/*", Condition: { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/Pipeline"] } },
      },
    ]);
  });

  it("rejects an invalid retention", () => {
    expect(() => synth((scope) => new EvidenceBucket(scope, "ev", { partition: "aws", bucketName: "org-evidence", retentionDays: 0 }))).toThrow("EvidenceBucket: retentionDays 0 is not a positive integer");
  });
});
