/**
 * The normalized shape both input kinds (cdktf synth output, terraform plan JSON) are reduced to,
 * and the report shape every renderer reads. Comparators only ever see these types.
 */

/** One managed resource as configured on one side of the diff. */
export interface GuardrailResource {
  /** Where a reviewer finds it: `<stack>/<type>.<name>` for synth output, the plan address for plans. */
  address: string;
  /** Stack name (synth output) or "" (plan: one plan is one root module). */
  stack: string;
  type: string;
  name: string;
  /** Attribute values with cdktf metadata removed; nested blocks may be objects (synth) or arrays (plan). */
  values: Record<string, unknown>;
  /** Region the resource is managed in (its own `region` argument, else its provider's), or "". */
  region: string;
  /** What the modules record beside the resource for reviewers (cdktf `"//".guardrails`), synth only. */
  annotations: GuardrailAnnotations;
  /** Top-level attributes whose value is unknown until apply (plan `after_unknown`). */
  unknownAttributes: ReadonlySet<string>;
}

export interface GuardrailAnnotations {
  disabledControls?: { controlId: string; reason?: string; expires?: string }[];
}

export type InputKind = "synth" | "plan";

export interface ResourceSet {
  /** The path the user gave (and, for plans, which side: "before"/"after"). */
  label: string;
  kind: InputKind;
  resources: GuardrailResource[];
}

export type Classification = "weakened" | "strengthened" | "neutral";

export interface GuardrailChange {
  classification: Classification;
  /** Head address when the resource exists in head, else the base address. */
  address: string;
  resourceType: string;
  /** The semantic identity the two sides were matched on (e.g. `scp "deny-root"`). */
  identity: string;
  /** One line a reviewer reads in a PR comment. */
  explanation: string;
}

export type DiffVerdict = "weakened" | "strengthened" | "changed" | "unchanged";

export interface DiffReport {
  schemaVersion: 1;
  base: string;
  head: string;
  verdict: DiffVerdict;
  /** Weakenings first, then strengthenings, then neutral changes. */
  changes: GuardrailChange[];
  counts: Record<Classification, number>;
  /** Caveats a reviewer must know, e.g. values unknown until apply. */
  notes: string[];
}

/** An input that cannot be interpreted: exit 2, with the path and the reason. */
export class DiffInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "DiffInputError";
  }
}
