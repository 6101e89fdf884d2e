/**
 * The CLI in the test's own process: runCli (gates/cli/program.ts) with captured stdout and stderr,
 * the same argv and exit code as the built binary, without ~0.2 s of process start and a fresh SDK
 * load per run. The CLI files keep a few runs of the built binary (build-cli.ts) for what only a real
 * process shows: --version of the build, a clean environment, Ctrl-C, the streams and the exit code
 * as the OS sees them.
 *
 * The SDK reads credentials, region and AWS_ENDPOINT_URL from process.env, not from io.env, so
 * in-process runs see process.env as their environment: setAwsEnv gives the file the environment a
 * child process gets (only the endpoint's AWS_* variables, no shared config files) and hands back
 * the function that restores it. Set it once per file (beforeAll), never around concurrent runs.
 */
import { join } from "node:path";
import type { CliIo } from "../../gates/cli/io";
import { runCli } from "../../gates/cli/program";
import type { CliRun } from "./build-cli";

/** setup.js sets it for every file; the child processes get it too. */
const KEPT = new Set(["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"]);

/**
 * Replaces every AWS_* variable of process.env with `vars`, and points the SDK's shared config and
 * credentials files at paths in `scratchDir` that do not exist (a developer's ~/.aws must not change
 * a run; a child gets HOME=its cwd for the same reason). Returns the restore function (afterAll).
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE move those files:
 * https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
 */
export function setAwsEnv(vars: Readonly<Record<string, string>>, scratchDir: string): () => void {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith("AWS_") && !KEPT.has(k));
  for (const [k] of saved) delete process.env[k];
  Object.assign(process.env, { AWS_CONFIG_FILE: join(scratchDir, "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE: join(scratchDir, "no-aws-credentials") }, vars);
  return () => {
    for (const k of Object.keys(process.env)) if (k.startsWith("AWS_") && !KEPT.has(k)) delete process.env[k];
    for (const [k, v] of saved) process.env[k] = v;
  };
}

/** One CLI run in this process: stderr is not a terminal (as with a child's pipe), Ctrl-C never comes. */
export async function runInProcess(args: readonly string[], opts: { cwd: string }): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
    env: process.env,
    cwd: opts.cwd,
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
