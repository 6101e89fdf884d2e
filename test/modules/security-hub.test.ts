import { SecurityHubCentral, SecurityHubDelegation, cisStandardArn } from "../../modules/security-hub";
import { onlyResource, resourcesOf, synth } from "./helpers";

describe("cisStandardArn", () => {
  it.each([
    ["aws", "1.2.0", "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"],
    ["aws", "1.4.0", "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0"],
    ["aws", "3.0.0", "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"],
    ["aws", "5.0.0", "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0"],
    ["aws-us-gov", "1.2.0", "arn:aws-us-gov:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"],
    ["aws-us-gov", "1.4.0", "arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0"],
    ["aws-us-gov", "3.0.0", "arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"],
    ["aws-us-gov", "5.0.0", "arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0"],
  ] as const)("%s CIS %s -> %s", (partition, version, arn) => {
    const region = partition === "aws" ? "eu-west-1" : "us-gov-west-1";
    expect(cisStandardArn(partition, version, region)).toBe(arn);
  });
});

describe("SecurityHubCentral", () => {
  const base = {
    partition: "aws" as const,
    homeRegion: "eu-west-1",
    governedRegions: ["eu-west-1", "eu-central-1", "us-east-1"],
    cisVersions: ["1.2.0", "5.0.0"] as const,
    disabledControlIds: ["CloudTrail.7"],
    targetIds: ["r-ab12", "ou-ab12-11111111"],
  };
  const json = synth((scope) => new SecurityHubCentral(scope, "sh", { ...base, cisVersions: [...base.cisVersions] }));

  it("aggregates the other governed regions into the home region", () => {
    expect(onlyResource(json, "aws_securityhub_finding_aggregator")).toEqual({
      linking_mode: "SPECIFIED_REGIONS",
      specified_regions: ["eu-central-1", "us-east-1"],
    });
  });

  it("uses NO_REGIONS for a single-region organization (an aggregator is still required)", () => {
    const single = synth((scope) => new SecurityHubCentral(scope, "sh", { ...base, cisVersions: ["5.0.0"], governedRegions: ["eu-west-1"] }));
    expect(onlyResource(single, "aws_securityhub_finding_aggregator")).toMatchObject({ linking_mode: "NO_REGIONS" });
    expect(onlyResource(single, "aws_securityhub_finding_aggregator").specified_regions).toBeUndefined();
  });

  it("sets the organization configuration to CENTRAL without auto-enable, after the aggregator", () => {
    expect(onlyResource(json, "aws_securityhub_organization_configuration")).toEqual({
      auto_enable: false,
      auto_enable_standards: "NONE",
      organization_configuration: { configuration_type: "CENTRAL" },
      depends_on: ["aws_securityhub_finding_aggregator.sh_aggregator_32434C00"],
    });
  });

  it("enables the CIS standards and disables only the configured controls (IAM.4 / IAM.3 stay enabled)", () => {
    const policy = onlyResource(json, "aws_securityhub_configuration_policy");
    expect(policy).toEqual({
      name: "guardrails-cis",
      description: "CIS AWS Foundations 1.2.0, 5.0.0; IAM.4 and IAM.3 always enabled",
      configuration_policy: {
        service_enabled: true,
        enabled_standard_arns: [
          "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
          "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
        ],
        security_controls_configuration: { disabled_control_identifiers: ["CloudTrail.7"] },
      },
      depends_on: ["aws_securityhub_organization_configuration.sh_organization-configuration_17DE75EB"],
    });
  });

  it("associates the policy with every configured target", () => {
    expect(resourcesOf(json, "aws_securityhub_configuration_policy_association")).toEqual([
      { policy_id: "${aws_securityhub_configuration_policy.sh_policy_F52ABF8D.id}", target_id: "ou-ab12-11111111" },
      { policy_id: "${aws_securityhub_configuration_policy.sh_policy_F52ABF8D.id}", target_id: "r-ab12" },
    ]);
  });

  it.each(["IAM.4", "IAM.3"])("refuses to disable %s", (control) => {
    expect(() => synth((scope) => new SecurityHubCentral(scope, "sh", { ...base, cisVersions: ["5.0.0"], disabledControlIds: [control] }))).toThrow(
      `SecurityHubCentral: disabledControlIds contains "${control}", which must stay enabled`,
    );
  });

  it("delegates administration to the security-tooling account from the management account", () => {
    const delegation = synth((scope) => new SecurityHubDelegation(scope, "d", { adminAccountId: "222222222222" }));
    expect(onlyResource(delegation, "aws_securityhub_organization_admin_account")).toEqual({ admin_account_id: "222222222222" });
    expect(() => synth((scope) => new SecurityHubDelegation(scope, "d", { adminAccountId: "2222" }))).toThrow('adminAccountId "2222" is not a 12-digit account id');
  });
});
