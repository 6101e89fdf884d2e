/**
 * Inputs → normalized resource sets. Two kinds are read: a cdktf synth output directory
 * (`manifest.json` + `stacks/<name>/cdk.tf.json`) and `terraform show -json` plan files.
 * Fail closed: anything we cannot interpret throws DiffInputError naming the path and why,
 * because a guardrail diff that silently reads nothing would say "no change".
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { DiffInputError, type GuardrailAnnotations, type GuardrailResource, type ResourceSet } from "./model";

/** The modules' reviewer annotations inside cdktf's "//" comment; malformed ones are ignored, not trusted. */
const AnnotationsSchema = z.object({
  guardrails: z.object({
    disabledControls: z.array(z.object({ controlId: z.string(), reason: z.string().optional(), expires: z.string().optional() })).optional(),
  }),
});
function annotationsOf(config: Record<string, unknown>): GuardrailAnnotations {
  const parsed = AnnotationsSchema.safeParse(config["//"]);
  return parsed.success ? parsed.data.guardrails : {};
}

const ManifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string(), synthesizedStackPath: z.string() })),
});

const ProviderBlock = z.object({ alias: z.string().optional(), region: z.string().optional() });
const StackSchema = z.object({
  provider: z.record(z.string(), z.union([z.array(ProviderBlock), ProviderBlock])).optional(),
  resource: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
});

/**
 * Only the plan fields we read (toolchain.md 1.4: ignore unknown properties, reject other majors).
 * Terraform writes plans with Go's `omitempty`: `resource_changes`, `before`, `after` and the other
 * empty fields are left out, not written as [] or null (hashicorp/terraform internal/command/jsonplan/plan.go,
 * mirrored by hashicorp/terraform-json plan.go: `ResourceChanges []*ResourceChange json:"resource_changes,omitempty"`).
 */
const PlanSchema = z.object({
  format_version: z.string(),
  errored: z.boolean().optional(),
  resource_changes: z.array(
    z.object({
      address: z.string(),
      mode: z.string().optional(),
      type: z.string(),
      name: z.string(),
      change: z.object({
        actions: z.array(z.string()),
        before: z.unknown().optional(),
        after: z.unknown().optional(),
        after_unknown: z.unknown().optional(),
      }),
    }),
  ).default([]),
});
export type PlanJson = z.infer<typeof PlanSchema>;

export type PlanSide = "before" | "after";

/**
 * A path as the user gave it (`shown`: what reports and errors print, so a PR comment never carries
 * a runner's absolute paths) and where it is on this machine (`at`).
 */
export interface InputPath {
  shown: string;
  at: string;
}

const inputPath = (given: string, cwd: string): InputPath => ({ shown: given, at: resolve(cwd, given) });
const child = (p: InputPath, ...parts: string[]): InputPath => ({ shown: join(p.shown, ...parts), at: join(p.at, ...parts) });

function readJson(path: InputPath, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path.at, "utf8");
  } catch (e) {
    // The error code, not Node's message: that message repeats the absolute path.
    throw new DiffInputError(path.shown, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).name})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DiffInputError(path.shown, `${what} is not JSON: ${(e as Error).message}`);
  }
}

function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(top level)"}: ${issue.message}` : "schema mismatch";
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Drops cdktf's "//" metadata and meta-arguments that are not resource attributes. */
function attributeValues(config: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "//" || key === "provider" || key === "depends_on" || key === "lifecycle" || key === "count" || key === "for_each") continue;
    values[key] = value;
  }
  return values;
}

/** Accepts `cdktf.out` itself or a project directory that contains it (a string: shown as given). */
export function loadSynthDirectory(given: string | InputPath): ResourceSet {
  const dir = typeof given === "string" ? { shown: given, at: given } : given;
  const outDir = existsSync(join(dir.at, "manifest.json")) ? dir : child(dir, "cdktf.out");
  const manifestPath = child(outDir, "manifest.json");
  if (!existsSync(manifestPath.at)) {
    throw new DiffInputError(dir.shown, "no manifest.json: not a cdktf synth output directory (run `npm run synth` first)");
  }
  const manifest = ManifestSchema.safeParse(readJson(manifestPath, "cdktf manifest"));
  if (!manifest.success) throw new DiffInputError(manifestPath.shown, `not a cdktf manifest: ${zodReason(manifest.error)}`);
  const resources: GuardrailResource[] = [];
  for (const stack of Object.values(manifest.data.stacks).sort((a, b) => a.name.localeCompare(b.name))) {
    const stackPath = child(outDir, stack.synthesizedStackPath);
    const parsed = StackSchema.safeParse(readJson(stackPath, `stack "${stack.name}"`));
    if (!parsed.success) throw new DiffInputError(stackPath.shown, `not a cdktf stack: ${zodReason(parsed.error)}`);
    const providerRegions = new Map<string, string>();
    for (const [providerName, blocks] of Object.entries(parsed.data.provider ?? {})) {
      for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
        const key = block.alias ? `${providerName}.${block.alias}` : providerName;
        providerRegions.set(key, block.region ?? "");
      }
    }
    for (const [type, byName] of Object.entries(parsed.data.resource ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        const providerKey = typeof config.provider === "string" ? config.provider.replace(/^\$\{(.*)\}$/, "$1") : type.split("_")[0]!;
        const values = attributeValues(config);
        const region = typeof values.region === "string" ? values.region : (providerRegions.get(providerKey) ?? "");
        resources.push({ address: `${stack.name}/${type}.${name}`, stack: stack.name, type, name, values, region, annotations: annotationsOf(config), unknownAttributes: new Set() });
      }
    }
  }
  return { label: dir.shown, kind: "synth", resources };
}

/** Validates a parsed plan document; `path` is only used in error messages. */
export function parsePlan(path: string, document: unknown): PlanJson {
  if (!isRecord(document) || typeof document.format_version !== "string") {
    throw new DiffInputError(path, "not a plan file: no format_version (expected `terraform show -json <planfile>` output)");
  }
  const major = document.format_version.split(".")[0];
  if (major !== "1") {
    throw new DiffInputError(path, `unsupported plan format_version "${document.format_version}" (this tool reads 1.x)`);
  }
  // Terraform writes `planned_values` in every plan (a struct, which `omitempty` never drops) and lists
  // each planned resource instance in `resource_changes`, unchanged ones as ["no-op"]; so a plan with no
  // resource instance at all has no `resource_changes` (omitempty), and that is an empty plan. State
  // (`terraform show -json` without a plan file) has `values` and neither of the two.
  if (!isRecord(document.planned_values) && !Array.isArray(document.resource_changes)) {
    throw new DiffInputError(path, "not a plan file: neither planned_values nor resource_changes (is this `terraform show -json` of state rather than of a plan?)");
  }
  const plan = PlanSchema.safeParse(document);
  if (!plan.success) throw new DiffInputError(path, `malformed plan: ${zodReason(plan.error)}`);
  // Fail closed: a plan Terraform could not finish lists only part of the changes (`errored`, Terraform 1.6+).
  if (plan.data.errored === true) throw new DiffInputError(path, "the plan errored: Terraform could not finish it, so its changes are incomplete; fix the plan errors first");
  return plan.data;
}

/** Top-level attribute names whose after_unknown subtree contains `true`. */
function unknownTopLevel(afterUnknown: unknown): Set<string> {
  const names = new Set<string>();
  const containsTrue = (v: unknown): boolean =>
    v === true || (Array.isArray(v) ? v.some(containsTrue) : isRecord(v) ? Object.values(v).some(containsTrue) : false);
  if (isRecord(afterUnknown)) for (const [key, value] of Object.entries(afterUnknown)) if (containsTrue(value)) names.add(key);
  return names;
}

/** One side of a plan: "before" = current state, "after" = what apply will produce. */
export function planResourceSet(path: string, plan: PlanJson, side: PlanSide): ResourceSet {
  const resources: GuardrailResource[] = [];
  for (const rc of plan.resource_changes) {
    if (rc.mode !== undefined && rc.mode !== "managed") continue;
    const raw = side === "before" ? rc.change.before : rc.change.after;
    if (raw === null || raw === undefined) continue; // not present on this side (create / delete)
    if (!isRecord(raw)) throw new DiffInputError(path, `resource_changes["${rc.address}"].change.${side} is not an object`);
    const unknownAttributes = side === "after" ? unknownTopLevel(rc.change.after_unknown) : new Set<string>();
    const region = typeof raw.region === "string" ? raw.region : "";
    resources.push({ address: rc.address, stack: "", type: rc.type, name: rc.name, values: raw, region, annotations: {}, unknownAttributes });
  }
  return { label: `${path} (${side})`, kind: "plan", resources };
}

export function loadPlanFile(given: string | InputPath): PlanJson {
  const path = typeof given === "string" ? { shown: given, at: given } : given;
  return parsePlan(path.shown, readJson(path, "plan file"));
}

/**
 * `diff <base> <head>`: each a synth directory or a plan file (its planned "after" side).
 * `diff <plan>`: one plan, its "before" (current state) against its "after".
 */
export function loadInputs(given: readonly string[], cwd: string = process.cwd()): { base: ResourceSet; head: ResourceSet } {
  if (given.length < 1 || given.length > 2) {
    throw new DiffInputError(given.join(" ") || "(none)", "expected <base> <head> (synth dirs or plan files) or one plan file");
  }
  // Relative paths are read against cwd and printed as given; absolute ones are printed as they are.
  const paths = given.map((p) => inputPath(p, cwd));
  for (const p of paths) if (!existsSync(p.at)) throw new DiffInputError(p.shown, "no such file or directory");
  if (paths.length === 1) {
    const path = paths[0]!;
    if (statSync(path.at).isDirectory()) {
      throw new DiffInputError(path.shown, "one argument must be a plan file; a synth directory needs a second one to compare with");
    }
    const plan = loadPlanFile(path);
    return { base: planResourceSet(path.shown, plan, "before"), head: planResourceSet(path.shown, plan, "after") };
  }
  const load = (p: InputPath): ResourceSet =>
    statSync(p.at).isDirectory() ? loadSynthDirectory(p) : planResourceSet(p.shown, loadPlanFile(p), "after");
  return { base: load(paths[0]!), head: load(paths[1]!) };
}
