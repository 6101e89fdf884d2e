/**
 * The part of the organization config file (the same JSON the modules read) that the gate uses.
 * Validated here with its own schema: gates and modules share only modules/constants.ts.
 * Unknown fields are ignored; a wrong type in a field the gate reads is a usage error (exit 2).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { GATE_CONTROLS } from "../modules/constants";

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit account id");
const ouId = z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, "must be an OU id like ou-ab12-cdef3456");

const gateSection = z
  .object({
    roleName: z.string().min(1).max(64).optional(),
    readyTagKey: z.string().min(1).max(128).optional(),
    exceptionsFile: z.string().min(1).optional(),
    exceptionMaxWindowDays: z.number().int().positive().optional(),
    ownerTagKey: z.string().min(1).max(128).optional(),
    require: z.array(z.enum(GATE_CONTROLS as [string, ...string[]])).optional(),
  })
  .loose();

const gateConfigSchema = z
  .object({
    partition: z.enum(["aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]).optional(),
    managementAccountId: accountId.optional(),
    securityToolingAccountId: accountId.optional(),
    homeRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region like us-east-1").optional(),
    organization: z.object({ productionOuId: ouId.optional() }).loose().optional(),
    awsConfig: z.object({ maxAccessKeyAgeDays: z.number().int().positive().optional() }).loose().optional(),
    evidence: z.object({ bucketName: z.string().min(3).optional() }).loose().optional(),
    gate: gateSection.optional(),
  })
  .loose();

export type GateConfig = z.infer<typeof gateConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("") || "(root)";
}

/** Parses config text; `file` names the source in messages. Throws ConfigError naming file and field. */
export function parseGateConfig(text: string, file: string): GateConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = gateConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${file}: ${fieldPath(i.path)}: ${i.message}`);
    throw new ConfigError(issues.join("\n"));
  }
  return parsed.data;
}

export interface LoadedConfig {
  config: GateConfig;
  /** sha256 of the file's bytes, recorded in evidence bundles. */
  digest: string;
}

export function loadGateConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`${file}: cannot read the config file (${code})`);
  }
  return { config: parseGateConfig(text, file), digest: createHash("sha256").update(text).digest("hex") };
}
