/**
 * ASFF -> FindingSummary. The SDK's AwsSecurityFinding and the JSON of a finding (fixtures,
 * EventBridge events) share the ASFF field names, so one structural reader serves both.
 */
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
