/**
 * Compiles the gate (gates/ + modules/constants + the modules' pure config schema) to CommonJS once
 * per test run with swc: the same JavaScript shape tsc emits for `npm run build`, in well under a
 * second. Type errors are caught by `npm test`'s typecheck, so transpiling is enough here. A gate file
 * importing any other module file fails the e2e suites at require time: that keeps cdktf out of it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { transformFileSync } from "@swc/core";
import { PACKAGE_NAME } from "../../gates/version";

const ROOT = join(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith(".ts") && !d.name.endsWith(".d.ts") ? [join(dir, d.name)] : [],
  );
}

/** The compiled tree lives in a temp dir: its child processes find dependencies through NODE_PATH. */
export const CLI_NODE_PATH = join(ROOT, "node_modules");

/** Returns the path of the compiled bin.js. */
export function buildCli(): string {
  const out = join(tmpdir(), `guardrails-cli-${process.pid}-${Date.now()}`);
  // The gate shares only these with the modules: constants and the config schema (no cdktf).
  const shared = ["constants.ts", "config/schema.ts", "config/validate.ts", "config/regions.ts"].map((f) => join(ROOT, "modules", f));
  for (const file of [...tsFiles(join(ROOT, "gates")), ...shared]) {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
      sourceMaps: false,
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  // gateVersion() looks for the package.json next to the compiled tree.
  writeFileSync(join(out, "package.json"), JSON.stringify({ name: PACKAGE_NAME, version: "0.0.0-e2e" }));
  const bin = join(out, "gates", "cli", "bin.js");
  chmodSync(bin, 0o755);
  return bin;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a child process with only the given environment (no inherited AWS settings),
 * collecting its output; the child handle lets a test send signals (Ctrl-C).
 */
export function spawnCli(bin: string, args: readonly string[], opts: { cwd: string; env: Record<string, string> }): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env["PATH"] ?? "", HOME: opts.cwd, NODE_PATH: CLI_NODE_PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...opts.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}
