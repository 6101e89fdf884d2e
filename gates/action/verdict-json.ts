/**
 * Reads back the `--output json` object of check / promote (DESIGN.md section 4) that the action
 * captured. The action renders the summary from it and trusts nothing else: output that does not
 * parse as this shape is no verdict at all, so the step cannot pass (fail closed).
 */
import { z } from "zod";
import { GATE_CONTROLS, type ControlId } from "../../modules/constants";
import { sourceJson } from "../render/json";
import type { AccountVerdict } from "../types";

const verdict = z.enum(["PASS", "FAIL", "INCONCLUSIVE"]);

const accountVerdictSchema = z.object({
  schemaVersion: z.literal(1),
  accountId: z.string(),
  checkedAt: z.string(),
  verdict,
  productionReady: z.boolean(),
  controls: z.array(
    z.object({
      id: z.custom<ControlId>((v) => typeof v === "string" && (GATE_CONTROLS as readonly string[]).includes(v), "unknown control id"),
      verdict,
      required: z.boolean(),
      reasons: z.array(z.string()),
      sources: z.array(
        z.object({
          name: z.string(),
          observedAt: z.string().nullable(),
          summary: z.string(),
          accountId: z.string().optional(),
          region: z.string().optional(),
          api: z.string().optional(),
        }),
      ),
    }),
  ),
  marked: z.object({ tag: z.string(), value: z.string(), changed: z.boolean() }).nullable(),
  evidence: z.object({ path: z.string(), sha256: z.string() }).nullable(),
});

/** The verdict, or null when the text is not one account's JSON verdict. */
export function parseAccountVerdict(text: string): AccountVerdict | null {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  const parsed = accountVerdictSchema.safeParse(document);
  if (!parsed.success) return null;
  const v = parsed.data;
  // Rebuilt without optional keys that are absent: the shape AccountVerdict declares (exactOptionalPropertyTypes-safe).
  return {
    ...v,
    controls: v.controls.map((c) => ({
      ...c,
      sources: c.sources.map(sourceJson),
    })),
  };
}
