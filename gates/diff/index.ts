/**
 * `diffGuardrails(base, head)`: matches the guardrail resources of two sides by semantic identity
 * (type + name/identifier, never the construct id or address) and classifies every change.
 */
import { DiffInputError, type Classification, type DiffReport, type DiffVerdict, type GuardrailChange, type GuardrailResource, type ResourceSet } from "./model";
import { COMPARATORS } from "./registry";
import type { Comparator, Finding } from "./rules";
import { SideIndex } from "./values";

export { loadInputs, loadSynthDirectory, loadPlanFile, parsePlan, planResourceSet } from "./load";
export { renderReport, exitCodeForReport, type OutputFormat } from "./report";
export * from "./model";

const ORDER: Record<Classification, number> = { weakened: 0, strengthened: 1, neutral: 2 };

/** identity → resource, for one type on one side; repeated identities get a stable ordinal. */
function keyed(resources: GuardrailResource[], comparator: Comparator, side: SideIndex, withStack: boolean) {
  const out = new Map<string, { resource: GuardrailResource; identity: string }>();
  for (const r of [...resources].sort((a, b) => a.address.localeCompare(b.address))) {
    const identity = comparator.identity(r, side);
    side.recordIdentity(r, identity);
    const base = `${withStack ? `${r.stack}|` : ""}${identity}`;
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base}#${n}`;
    out.set(key, { resource: r, identity });
  }
  return out;
}

export function diffGuardrails(base: ResourceSet, head: ResourceSet): DiffReport {
  const sides = { base: new SideIndex(base), head: new SideIndex(head) };
  // Stacks only disambiguate when both sides are synth output (a plan is one stack, unnamed).
  const withStack = base.kind === "synth" && head.kind === "synth";
  const changes: GuardrailChange[] = [];
  const types = [...new Set([...base.resources, ...head.resources].map((r) => r.type))].sort().filter((t) => COMPARATORS[t]);
  // Every identity first: a comparator may ask whether a resource it depends on survives the change.
  const keys = new Map(types.map((type) => {
    const comparator = COMPARATORS[type]!;
    return [type, { b: keyed(base.resources.filter((r) => r.type === type), comparator, sides.base, withStack), h: keyed(head.resources.filter((r) => r.type === type), comparator, sides.head, withStack) }];
  }));
  for (const type of types) {
    const comparator = COMPARATORS[type]!;
    const { b, h } = keys.get(type)!;
    const push = (resource: GuardrailResource, identity: string, compute: () => Finding[]) => {
      let findings: Finding[];
      try {
        findings = compute();
      } catch (e) {
        // Name the input file/dir, not only the resource: the reader must know which side failed.
        if (!(e instanceof DiffInputError)) throw e;
        const side = base.resources.includes(resource) ? base : head;
        throw new DiffInputError(side.label, `${e.path}: ${e.reason}`);
      }
      for (const f of findings) changes.push({ classification: f.classification, address: resource.address, resourceType: type, identity, explanation: f.explanation });
    };
    for (const [key, { resource, identity }] of b) {
      const match = h.get(key);
      if (!match) push(resource, identity, () => comparator.removed(resource, sides.base, sides));
      else push(match.resource, identity, () => comparator.changed(resource, match.resource, sides));
    }
    for (const [key, { resource, identity }] of h) if (!b.has(key)) push(resource, identity, () => comparator.added(resource, sides.head, sides));
  }
  changes.sort((x, y) => ORDER[x.classification] - ORDER[y.classification] || x.address.localeCompare(y.address));
  const counts: Record<Classification, number> = { weakened: 0, strengthened: 0, neutral: 0 };
  for (const c of changes) counts[c.classification]++;
  const verdict: DiffVerdict = counts.weakened ? "weakened" : counts.strengthened ? "strengthened" : counts.neutral ? "changed" : "unchanged";
  const notes: string[] = [];
  const unknown = head.resources.filter((r) => r.unknownAttributes.size > 0 && COMPARATORS[r.type]);
  if (unknown.length) {
    notes.push(
      `${unknown.length} guardrail resource(s) have values known only after apply (${unknown.slice(0, 5).map((r) => r.address).join(", ")}${unknown.length > 5 ? ", ..." : ""}); they were matched by name and reference, and their unknown values could not be compared.`,
    );
  }
  return { schemaVersion: 1, base: base.label, head: head.label, verdict, changes, counts, notes };
}
