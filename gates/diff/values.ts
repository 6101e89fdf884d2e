/**
 * Reading resource attributes the same way from synth output (nested blocks are objects) and
 * plan JSON (nested blocks are one-element arrays), and resolving references to the semantic
 * identity of the referenced resource, so a renamed construct id is not a change.
 */
import type { GuardrailResource, ResourceSet } from "./model";

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A nested block: the object itself (synth) or the first element of a block list (plan). */
export function block(values: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const v = values?.[key];
  if (Array.isArray(v)) return isRecord(v[0]) ? v[0] : undefined;
  return isRecord(v) ? v : undefined;
}

/** Every element of a block list (plan) or the single block (synth). */
export function blocks(values: Record<string, unknown> | undefined, key: string): Record<string, unknown>[] {
  const v = values?.[key];
  return (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter(isRecord);
}

export function text(values: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = values?.[key];
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export function textList(values: Record<string, unknown> | undefined, key: string): string[] {
  const v = values?.[key];
  return (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === "string");
}

/** `true`/`"true"` → true, `false`/`"false"` → false, else undefined (not set). */
export function flag(values: Record<string, unknown> | undefined, key: string): boolean | undefined {
  const v = values?.[key];
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  return undefined;
}

/** A value as JSON with object keys sorted: equal for values that differ only in key order. */
export function canonicalJsonValue(value: unknown): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v;
  return JSON.stringify(sortKeys(value)) ?? "undefined";
}

const REFERENCE = /^\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/;

/** Lookups over one side, to turn references and concrete ids into the referenced resource. */
export class SideIndex {
  private readonly byStackAddress = new Map<string, GuardrailResource>();
  private readonly byIdentifier = new Map<string, GuardrailResource>();

  /** Each guardrail resource's semantic identity on this side (recorded by the diff before comparing). */
  private readonly identities = new Map<GuardrailResource, string>();
  private readonly typedIdentities = new Set<string>();

  constructor(readonly set: ResourceSet) {
    for (const r of set.resources) {
      this.byStackAddress.set(`${r.stack}|${r.type}.${r.name}`, r);
      // Plans carry concrete ids/ARNs/names instead of references once resources exist.
      for (const key of ["id", "arn", "name", "bucket"]) {
        const v = text(r.values, key);
        if (v && !this.byIdentifier.has(`${r.type}|${v}`)) this.byIdentifier.set(`${r.type}|${v}`, r);
        if (v && key !== "name" && key !== "bucket") this.byIdentifier.set(`*|${v}`, r);
      }
    }
  }

  recordIdentity(r: GuardrailResource, identity: string): void {
    this.identities.set(r, identity);
    this.typedIdentities.add(`${r.type}|${identity}`);
  }

  identityOf(r: GuardrailResource): string | undefined {
    return this.identities.get(r);
  }

  /** Is there a resource of this type with this identity on this side? */
  hasIdentity(type: string, identity: string): boolean {
    return this.typedIdentities.has(`${type}|${identity}`);
  }

  /**
   * Guardrail resources on this side that name `target`: a synth reference to it (same stack), or, as plans carry
   * concrete values, its name / ARN / bucket written in one of their values.
   */
  referrers(target: GuardrailResource): GuardrailResource[] {
    const reference = `\${${target.type}.${target.name}.`;
    const names = ["name", "bucket", "arn"].map((k) => text(target.values, k)).filter((v): v is string => v !== undefined && v.length > 0);
    return this.set.resources.filter((r) => {
      if (r === target || !this.identities.has(r)) return false;
      const body = JSON.stringify(r.values);
      return (r.stack === target.stack && body.includes(reference)) || names.some((n) => body.includes(JSON.stringify(n).slice(1, -1)));
    });
  }

  /** The resource a value refers to (`${type.name.attr}` in synth, an id/ARN in plans), if any. */
  resolve(from: GuardrailResource, value: string | undefined, expectedType?: string): GuardrailResource | undefined {
    if (value === undefined) return undefined;
    const m = REFERENCE.exec(value);
    if (m) return this.byStackAddress.get(`${from.stack}|${m[1]}.${m[2]}`);
    return this.byIdentifier.get(`${expectedType ?? "*"}|${value}`) ?? this.byIdentifier.get(`*|${value}`);
  }
}
