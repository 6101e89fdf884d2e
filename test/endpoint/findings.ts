/**
 * ASFF findings as Security Hub (CSPM) stores them, builders for IAM.4 / IAM.3 control findings in the
 * consolidated and legacy shapes (modelled on the real samples in test/fixtures/aws-samples), and the
 * server-side GetFindings filter semantics.
 */
import { createHash } from "node:crypto";
import { ServiceError } from "./wire";

/** An ASFF finding; the typed members are the ones the endpoint filters on. */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  ProductName?: string;
  CompanyName?: string;
  Region?: string;
  GeneratorId: string;
  AwsAccountId: string;
  UpdatedAt: string;
  CreatedAt: string;
  RecordState?: string;
  Compliance?: {
    Status?: string;
    SecurityControlId?: string;
    StatusReasons?: { ReasonCode: string; Description?: string }[];
    [key: string]: unknown;
  };
  Workflow?: { Status?: string };
  Resources: { Type: string; Id: string; Partition?: string; Region?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export type ComplianceStatus = "PASSED" | "FAILED" | "WARNING" | "NOT_AVAILABLE";
/** consolidated = consolidated control findings on; the others are legacy standard-specific shapes. */
export type FindingShape = "consolidated" | "legacy-fsbp" | "legacy-cis-1.2.0" | "legacy-cis-1.4.0";

export interface ControlFindingSpec {
  control: "IAM.4" | "IAM.3";
  accountId: string;
  region: string;
  status: ComplianceStatus;
  updatedAt: string;
  /** Defaults to updatedAt. */
  lastObservedAt?: string;
  recordState?: "ACTIVE" | "ARCHIVED";
  workflow?: "NEW" | "NOTIFIED" | "RESOLVED" | "SUPPRESSED";
  /** e.g. ["CONFIG_EVALUATIONS_EMPTY"]. */
  statusReasons?: string[];
  shape?: FindingShape;
  /** IAM.3 only: the user the finding is about (omitted → account-level finding). */
  userName?: string;
  /**
   * Legacy shapes only: leave out Compliance.SecurityControlId, as in partitions or periods where the
   * consolidated controls view does not add it (controls.md 3.5 #4: GovCloud / China keep legacy shapes).
   */
  withoutSecurityControlId?: boolean;
  partition?: string;
}

const LEGACY: Record<Exclude<FindingShape, "consolidated">, Record<"IAM.4" | "IAM.3", { generator: string; ruleField: Record<string, string>; title: string }>> = {
  "legacy-fsbp": {
    "IAM.4": { generator: "aws-foundational-security-best-practices/v/1.0.0/IAM.4", ruleField: { ControlId: "IAM.4" }, title: "IAM.4 IAM root user access key should not exist" },
    "IAM.3": { generator: "aws-foundational-security-best-practices/v/1.0.0/IAM.3", ruleField: { ControlId: "IAM.3" }, title: "IAM.3 IAM users' access keys should be rotated every 90 days or less" },
  },
  "legacy-cis-1.2.0": {
    "IAM.4": { generator: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.12", ruleField: { RuleId: "1.12" }, title: "1.12 Ensure no root user access key exists" },
    "IAM.3": { generator: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4", ruleField: { RuleId: "1.4" }, title: "1.4 Ensure access keys are rotated every 90 days or less" },
  },
  "legacy-cis-1.4.0": {
    "IAM.4": { generator: "arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4", ruleField: { RuleId: "1.4" }, title: "1.4 Ensure no 'root' user account access key exists" },
    "IAM.3": { generator: "arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.14", ruleField: { RuleId: "1.14" }, title: "1.14 Ensure access keys are rotated every 90 days or less" },
  },
};

/** A deterministic UUID-shaped id so rebuilding a finding with the same spec yields the same Id. */
function findingUuid(spec: ControlFindingSpec, shape: FindingShape): string {
  const h = createHash("sha256").update(`${spec.control}|${spec.accountId}|${spec.region}|${shape}|${spec.userName ?? ""}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Builds an IAM.4 or IAM.3 control finding with the shape AWS emits (see fixtures). */
export function controlFinding(spec: ControlFindingSpec): AsffFinding {
  const p = spec.partition ?? "aws";
  const shape = spec.shape ?? "consolidated";
  const { accountId, region, control } = spec;
  const uuid = findingUuid(spec, shape);
  const legacy = shape === "consolidated" ? undefined : LEGACY[shape][control];
  const id = legacy
    ? `arn:${p}:securityhub:${region}:${accountId}:subscription/${legacy.generator.replace(/^arn:[^:]+:securityhub:::(ruleset|standards)\//, "").replace("/rule/", "/")}/finding/${uuid}`
    : `arn:${p}:securityhub:${region}:${accountId}:security-control/${control}/finding/${uuid}`;
  const productArn = `arn:${p}:securityhub:${region}::product/aws/securityhub`;
  const rootArn = `arn:${p}:iam::${accountId}:root`;
  const resource =
    control === "IAM.3" && spec.userName
      ? { Type: "AwsIamUser", Id: `arn:${p}:iam::${accountId}:user/${spec.userName}`, Partition: p, Region: region }
      : { Type: "AwsAccount", Id: `AWS::::Account:${accountId}`, Partition: p, Region: region };
  const ruleName =
    control === "IAM.4" ? "securityhub-iam-root-access-key-check-ab12cd34" : "securityhub-access-keys-rotated-ab12cd34";
  const failed = spec.status === "FAILED";
  const severity = failed ? (control === "IAM.4" ? "CRITICAL" : "MEDIUM") : "INFORMATIONAL";
  const reasons = spec.statusReasons?.map((code) => ({ ReasonCode: code, Description: reasonDescription(code) }));
  return {
    SchemaVersion: "2018-10-08",
    Id: id,
    ProductArn: productArn,
    ProductName: "Security Hub",
    CompanyName: "AWS",
    Region: region,
    GeneratorId: legacy ? legacy.generator.replace("arn:aws:", `arn:${p}:`) : `security-control/${control}`,
    AwsAccountId: accountId,
    Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
    FirstObservedAt: spec.updatedAt,
    LastObservedAt: spec.lastObservedAt ?? spec.updatedAt,
    CreatedAt: spec.updatedAt,
    UpdatedAt: spec.updatedAt,
    Severity: { Label: severity, Normalized: failed ? (control === "IAM.4" ? 90 : 40) : 0, Original: severity },
    Description:
      control === "IAM.4"
        ? "This AWS control checks whether the root user access key is available."
        : "This AWS control checks whether the active access keys are rotated within 90 days.",
    Remediation: {
      Recommendation: {
        Text: "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
        Url: `https://docs.aws.amazon.com/console/securityhub/${control}/remediation`,
      },
    },
    Title: legacy ? legacy.title : control === "IAM.4" ? "IAM root user access key should not exist" : "IAM users' access keys should be rotated every 90 days or less",
    ProductFields: {
      ...(legacy ? legacy.ruleField : {}),
      "RelatedAWSResources:0/name": ruleName,
      "RelatedAWSResources:0/type": "AWS::Config::ConfigRule",
      "aws/securityhub/ProductName": "Security Hub",
      "aws/securityhub/CompanyName": "AWS",
      "Resources:0/Id": resource.Type === "AwsAccount" ? rootArn : resource.Id,
      "aws/securityhub/FindingId": `${productArn}/${id}`,
    },
    Resources: [resource],
    Compliance: {
      Status: spec.status,
      ...(legacy !== undefined && spec.withoutSecurityControlId === true ? {} : { SecurityControlId: control }),
      ...(reasons ? { StatusReasons: reasons } : {}),
    },
    WorkflowState: "NEW",
    Workflow: { Status: spec.workflow ?? (spec.status === "PASSED" ? "RESOLVED" : "NEW") },
    RecordState: spec.recordState ?? "ACTIVE",
    FindingProviderFields: {
      Severity: { Label: severity, Original: severity },
      Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
    },
    ProcessedAt: spec.lastObservedAt ?? spec.updatedAt,
  };
}

function reasonDescription(code: string): string {
  if (code === "CONFIG_EVALUATIONS_EMPTY") {
    return "AWS Config evaluated your resources based on the rule. The rule did not apply to the AWS resources in its scope, the specified resources were deleted, or the evaluation results were deleted.";
  }
  return code;
}

/* ------------------------------------------------------------------ server-side filtering */

export interface StringFilter {
  Value?: string;
  Comparison?: string;
}

/** The string filters the endpoint implements; any other filter key is rejected loudly. */
const FIELD: Record<string, (f: AsffFinding) => (string | undefined)[]> = {
  AwsAccountId: (f) => [f.AwsAccountId],
  ComplianceSecurityControlId: (f) => [f.Compliance?.SecurityControlId],
  ComplianceStatus: (f) => [f.Compliance?.Status],
  ProductName: (f) => [f.ProductName],
  RecordState: (f) => [f.RecordState],
  Region: (f) => [f.Region],
  GeneratorId: (f) => [f.GeneratorId],
  Id: (f) => [f.Id],
  WorkflowStatus: (f) => [f.Workflow?.Status],
  ResourceId: (f) => f.Resources.map((r) => r.Id),
  ResourceType: (f) => f.Resources.map((r) => r.Type),
};

function compare(value: string | undefined, filter: StringFilter): boolean {
  const v = filter.Value ?? "";
  switch (filter.Comparison) {
    case "EQUALS":
      return value === v;
    case "PREFIX":
      return value !== undefined && value.startsWith(v);
    case "NOT_EQUALS":
      return value !== v;
    case "PREFIX_NOT_EQUALS":
      return value === undefined || !value.startsWith(v);
    default:
      throw new ServiceError("InvalidInputException", `Unsupported comparison ${String(filter.Comparison)}`, 400);
  }
}

/**
 * AwsSecurityFindingFilters: "You can filter by up to ten finding attributes. For each attribute, you
 * can provide up to 20 filter values" (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFindingFilters.html).
 * AWS rejects more with InvalidInputException; so does the endpoint, so a gate query that would fail on
 * AWS fails here too.
 */
export const MAX_FILTER_ATTRIBUTES = 10;
export const MAX_FILTER_VALUES = 20;

export function validateFilters(filters: Record<string, unknown>): void {
  const used = Object.entries(filters).filter(([, v]) => Array.isArray(v) && v.length > 0);
  if (used.length > MAX_FILTER_ATTRIBUTES) {
    throw new ServiceError("InvalidInputException", `Filters: ${used.length} attributes given, at most ${MAX_FILTER_ATTRIBUTES} are allowed`, 400);
  }
  for (const [field, values] of used) {
    if ((values as unknown[]).length > MAX_FILTER_VALUES) {
      throw new ServiceError("InvalidInputException", `Filters.${field}: ${(values as unknown[]).length} values given, at most ${MAX_FILTER_VALUES} are allowed`, 400);
    }
  }
}

/**
 * AWS semantics: filters on different fields are ANDed; several positive filters on one field are ORed;
 * negative filters (NOT_EQUALS, PREFIX_NOT_EQUALS) on one field are ANDed.
 */
export function matchesFilters(finding: AsffFinding, filters: Record<string, unknown>): boolean {
  for (const [field, raw] of Object.entries(filters)) {
    if (!Array.isArray(raw) || raw.length === 0) continue;
    const getter = FIELD[field];
    if (!getter) throw new ServiceError("InvalidInputException", `The local endpoint does not implement the ${field} filter`, 400);
    const values = getter(finding);
    const list = raw as StringFilter[];
    const positive = list.filter((f) => f.Comparison === "EQUALS" || f.Comparison === "PREFIX");
    const negative = list.filter((f) => !(f.Comparison === "EQUALS" || f.Comparison === "PREFIX"));
    if (positive.length > 0 && !positive.some((f) => values.some((v) => compare(v, f)))) return false;
    if (!negative.every((f) => values.every((v) => compare(v, f)))) return false;
  }
  return true;
}

/**
 * GetFindings SortCriteria: `[{Field, SortOrder: "asc" | "desc"}]`, "The finding attributes used to sort
 * the list of returned findings" (API_GetFindings.html, API_SortCriterion.html). The endpoint sorts on
 * the string fields it filters on, stably (equal keys keep their stored order); an unknown field is
 * rejected loudly rather than ignored.
 */
export function sortFindings(findings: AsffFinding[], criteria: unknown): AsffFinding[] {
  if (!Array.isArray(criteria) || criteria.length === 0) return findings;
  const keys = (criteria as { Field?: string; SortOrder?: string }[]).map((c) => {
    const getter = c.Field === undefined ? undefined : FIELD[c.Field];
    if (getter === undefined) throw new ServiceError("InvalidInputException", `The local endpoint does not sort by ${String(c.Field)}`, 400);
    return { get: (f: AsffFinding) => getter(f)[0] ?? "", sign: c.SortOrder === "desc" ? -1 : 1 };
  });
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      for (const k of keys) {
        const x = k.get(a.f);
        const y = k.get(b.f);
        if (x !== y) return x < y ? -k.sign : k.sign;
      }
      return a.i - b.i;
    })
    .map((e) => e.f);
}
