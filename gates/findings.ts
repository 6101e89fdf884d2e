/**
 * ASFF -> FindingSummary. The SDK's AwsSecurityFinding and the JSON of a finding (fixtures,
 * EventBridge events) share the ASFF field names, so one structural reader serves both.
 */
import type { ControlId } from "../modules/constants";
import { PARTITIONS } from "../modules/config/regions";
import type { FindingSummary } from "./types";

/** The subset of ASFF read here; every field optional because real findings omit many. */
export interface AsffLike {
  Id?: string;
  ProductArn?: string;
  ProductName?: string;
  AwsAccountId?: string;
  Region?: string;
  GeneratorId?: string;
  Compliance?: { Status?: string; SecurityControlId?: string; StatusReasons?: { ReasonCode?: string }[] };
  RecordState?: string;
  Workflow?: { Status?: string };
  UpdatedAt?: string;
  LastObservedAt?: string;
  Resources?: { Id?: string }[];
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

export function normalizeFinding(f: AsffLike): FindingSummary {
  return {
    id: f.Id ?? "",
    productArn: str(f.ProductArn),
    productName: str(f.ProductName),
    awsAccountId: f.AwsAccountId ?? "",
    region: str(f.Region),
    generatorId: f.GeneratorId ?? "",
    securityControlId: str(f.Compliance?.SecurityControlId),
    complianceStatus: str(f.Compliance?.Status),
    statusReasonCodes: (f.Compliance?.StatusReasons ?? []).map((r) => r.ReasonCode ?? "").filter((c) => c !== ""),
    recordState: str(f.RecordState),
    workflowStatus: str(f.Workflow?.Status),
    updatedAt: str(f.UpdatedAt),
    lastObservedAt: str(f.LastObservedAt),
    resourceIds: (f.Resources ?? []).map((r) => r.Id ?? "").filter((id) => id !== ""),
  };
}

/* ------------------------------------------------------------------ which control a finding is about */

/**
 * Legacy (standard-specific, "consolidated control findings" off) generator ids per control, from the
 * Security Hub user guide's consolidation table (reference/controls.md 3.1, archived awsdocs
 * doc_source/asff-changes-consolidation.md). Each is documented in two forms: the bare path
 * (`cis-aws-foundations-benchmark/v/1.4.0/1.4`) and the full ARN
 * (`arn:<partition>:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4`); CIS 1.2.0
 * uses `ruleset/` where later standards use `standards/`.
 * TRAP: CIS 1.2.0 rule 1.4 is IAM.3 (key rotation) while CIS 1.4.0 rule 1.4 is IAM.4 (root keys).
 */
const LEGACY_RULES: Readonly<Record<ControlId, readonly { arnKind: "ruleset" | "standards"; path: string }[]>> = {
  "IAM.4": [
    { arnKind: "ruleset", path: "cis-aws-foundations-benchmark/v/1.2.0/rule/1.12" },
    { arnKind: "standards", path: "cis-aws-foundations-benchmark/v/1.4.0/1.4" },
    { arnKind: "standards", path: "aws-foundational-security-best-practices/v/1.0.0/IAM.4" },
    { arnKind: "standards", path: "pci-dss/v/3.2.1/PCI.IAM.1" },
  ],
  "IAM.3": [
    { arnKind: "ruleset", path: "cis-aws-foundations-benchmark/v/1.2.0/rule/1.4" },
    { arnKind: "standards", path: "cis-aws-foundations-benchmark/v/1.4.0/1.14" },
    { arnKind: "standards", path: "aws-foundational-security-best-practices/v/1.0.0/IAM.3" },
  ],
};

/** Generator id of a consolidated control finding (`security-control/IAM.4`). */
export function consolidatedGeneratorId(control: ControlId): string {
  return `security-control/${control}`;
}

/**
 * Every generator id a finding of `control` may carry: consolidated, then each legacy rule bare and
 * as an ARN in each partition. The server-side GeneratorId filter sends exactly these (EQUALS), so it
 * can never exclude a finding the client-side rules below accept in those partitions.
 */
export function generatorIdsFor(control: ControlId, partitions: readonly string[] = PARTITIONS): string[] {
  const ids = [consolidatedGeneratorId(control)];
  for (const rule of LEGACY_RULES[control]) {
    ids.push(rule.path, ...partitions.map((p) => `arn:${p}:securityhub:::${rule.arnKind}/${rule.path}`));
  }
  return [...new Set(ids)];
}

const GENERATOR_ARN = /^arn:aws[a-z-]*:securityhub:::(ruleset|standards)\/(.+)$/;

/** The control a generator id belongs to (any partition), or null for anything else. */
export function controlOfGeneratorId(generatorId: string): ControlId | null {
  const arn = GENERATOR_ARN.exec(generatorId);
  for (const control of Object.keys(LEGACY_RULES) as ControlId[]) {
    if (generatorId === consolidatedGeneratorId(control)) return control;
    for (const rule of LEGACY_RULES[control]) {
      if (generatorId === rule.path) return control;
      if (arn !== null && arn[1] === rule.arnKind && arn[2] === rule.path) return control;
    }
  }
  return null;
}

/**
 * The control a finding is about: Compliance.SecurityControlId when present (the consolidated
 * controls view adds it to legacy-shaped findings too), else its generator id. The CIS 1.2.0 rule
 * 1.4 trap is refused for IAM.4 whatever the control id says.
 */
export function controlOfFinding(f: Pick<FindingSummary, "securityControlId" | "generatorId">): string | null {
  const byGenerator = controlOfGeneratorId(f.generatorId);
  if (f.securityControlId !== null) return byGenerator === "IAM.3" && f.securityControlId === "IAM.4" ? null : f.securityControlId;
  return byGenerator;
}

/**
 * Findings of Security Hub's own controls (not imported from other products such as Prowler). The
 * product ARN `arn:<p>:securityhub:<region>::product/aws/securityhub` is the stable identifier; the
 * product name was "Security Hub" and the SDK's StringFilter doc now calls it "Security Hub CSPM"
 * (@aws-sdk/client-securityhub models_0.d.ts, StringFilter.Value), so both names are accepted.
 */
export function isSecurityHubProduct(f: Pick<FindingSummary, "productName" | "productArn">): boolean {
  if (f.productName === "Security Hub" || f.productName === "Security Hub CSPM") return true;
  return f.productArn !== null && /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+::product\/aws\/securityhub$/.test(f.productArn);
}
