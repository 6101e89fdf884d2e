import { GATE_TAG_KEYS } from "../../modules/constants";
import { GatePromotionPolicy, GateReadOnlyRole, gatePromotionPolicy, gateReadOnlyPolicy, gateTrustPolicy } from "../../modules/gate-access";
import { onlyResource, synth } from "./helpers";

describe("gate read-only role", () => {
  it("grants exactly the gate's read actions plus the Config re-evaluation", () => {
    expect(gateReadOnlyPolicy().Statement.flatMap((s) => s.Action).sort()).toEqual([
      "config:DescribeConfigRules",
      "config:StartConfigRulesEvaluation",
      "iam:GenerateCredentialReport",
      "iam:GetAccessKeyLastUsed",
      "iam:GetAccountSummary",
      "iam:GetCredentialReport",
      "iam:ListAccessKeys",
      "iam:ListUserTags",
      "iam:ListUsers",
      "securityhub:DescribeHub",
      "securityhub:GetFindings",
    ]);
    expect(gateReadOnlyPolicy().Statement.every((s) => s.Effect === "Allow" && s.Resource === "*")).toBe(true);
  });

  it("trusts the configured principals through their accounts and an ARN condition", () => {
    const json = synth((scope) => new GateReadOnlyRole(scope, "gate", {
      partition: "aws-us-gov",
      trustedPrincipalArns: ["arn:aws-us-gov:iam::111111111111:role/Pipeline", "arn:aws-us-gov:iam::333333333333:role/ci-*"],
    }));
    const role = onlyResource(json, "aws_iam_role");
    expect(role).toEqual({
      name: "GuardrailsGateReadOnly",
      description: "Read-only role assumed by the production-readiness gate",
      max_session_duration: 3600,
      assume_role_policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "TrustedGateCallers",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws-us-gov:iam::111111111111:root", "arn:aws-us-gov:iam::333333333333:root"] },
          Action: "sts:AssumeRole",
          Condition: { ArnLike: { "aws:PrincipalArn": ["arn:aws-us-gov:iam::111111111111:role/Pipeline", "arn:aws-us-gov:iam::333333333333:role/ci-*"] } },
        }],
      }),
    });
    expect(JSON.parse(onlyResource(json, "aws_iam_role_policy").policy)).toEqual(gateReadOnlyPolicy());
  });

  it("refuses a wildcard account in the trust policy", () => {
    expect(() => gateTrustPolicy("aws", ["arn:aws:iam::*:role/Pipeline"])).toThrow('principal account "*" must be a 12-digit account id');
  });
});

describe("gate promotion policy", () => {
  const props = {
    partition: "aws" as const, managementAccountId: "111111111111", organizationId: "o-ab12cd34ef", rootId: "r-ab12",
    sourceOuIds: ["ou-ab12-11111111"], productionOuId: "ou-ab12-33333333", evidenceBucketName: "evidence-bucket",
  };

  it("tags only the readiness tag keys, moves only into the production OU, writes evidence", () => {
    const json = synth((scope) => new GatePromotionPolicy(scope, "promo", props));
    const policy = onlyResource(json, "aws_iam_policy");
    expect(policy.name).toBe("GuardrailsGatePromotion");
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements).toEqual(gatePromotionPolicy(props).Statement);
    expect(statements[0]).toEqual({
      Sid: "TagAccountsWithReadinessTagsOnly",
      Effect: "Allow",
      Action: ["organizations:TagResource", "organizations:UntagResource"],
      Resource: "arn:aws:organizations::111111111111:account/o-ab12cd34ef/*",
      Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [...GATE_TAG_KEYS] }, Null: { "aws:TagKeys": "false" } },
    });
    expect(statements[2]).toEqual({
      Sid: "MoveAccountsIntoProductionOuOnly",
      Effect: "Allow",
      Action: "organizations:MoveAccount",
      Resource: [
        "arn:aws:organizations::111111111111:account/o-ab12cd34ef/*",
        "arn:aws:organizations::111111111111:ou/o-ab12cd34ef/ou-ab12-33333333",
        "arn:aws:organizations::111111111111:root/o-ab12cd34ef/r-ab12",
        "arn:aws:organizations::111111111111:ou/o-ab12cd34ef/ou-ab12-11111111",
      ],
    });
    expect(statements[3]).toEqual({
      Sid: "AssumeGateReadOnlyRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/GuardrailsGateReadOnly",
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-ab12cd34ef" } },
    });
    expect(statements[4]).toEqual({ Sid: "WriteEvidenceBundles", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::evidence-bucket/*" });
    expect(statements).toHaveLength(5);
    expect([...statements[1].Action].sort()).toEqual([
      "iam:ListOrganizationsFeatures",
      "organizations:DescribeAccount",
      "organizations:ListAccounts",
      "organizations:ListAccountsForParent",
      "organizations:ListOrganizationalUnitsForParent",
      "organizations:ListParents",
      "organizations:ListTagsForResource",
    ]);
  });

  it("lets the pipeline assume only the configured gate role name", () => {
    const statements = gatePromotionPolicy({ ...props, partition: "aws-us-gov", gateRoleName: "OrgGateReader" }).Statement;
    expect(statements.find((s) => s.Sid === "AssumeGateReadOnlyRole")?.Resource).toBe("arn:aws-us-gov:iam::*:role/OrgGateReader");
  });
});
