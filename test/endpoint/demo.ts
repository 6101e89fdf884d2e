/**
 * `npm run demo`: serve the example organization on 127.0.0.1 and, when the gate CLI is built, run
 * `guardrails check` against the three showcase accounts. `--serve` keeps the endpoint up until Ctrl-C.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_IDS, endpointEnv, exampleWorld, startLocalAws } from "./index";

const VERDICTS: Record<number, string> = { 0: "PASS", 1: "FAIL", 2: "USAGE ERROR", 3: "INCONCLUSIVE" };
const CASES = [
  { id: EXAMPLE_IDS.clean, what: "clean account (expect PASS)" },
  { id: EXAMPLE_IDS.inactiveRootKey, what: "inactive root access key (expect FAIL)" },
  { id: EXAMPLE_IDS.awaitingFindings, what: "Security Hub has no IAM.4 finding yet (expect INCONCLUSIVE)" },
];

function runCheck(cli: string, accountId: string, url: string): Promise<{ code: number | null; output: string }> {
  const args = [cli, "check", accountId, "--security-hub-account", EXAMPLE_IDS.securityTooling, "--home-region", "us-east-1", "--endpoint-url", url];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...endpointEnv(url) }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    // Bounded: the gate's own deadline is 60 s by default.
    const timer = setTimeout(() => child.kill("SIGTERM"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function main(): Promise<void> {
  const serve = process.argv.includes("--serve");
  const aws = await startLocalAws({ world: exampleWorld() });
  const env = endpointEnv(aws.url);
  console.log(`Local AWS endpoint (STS, IAM, Organizations, Config, Security Hub, S3) on ${aws.url}`);
  console.log("Point the gate (or the AWS CLI / any SDK v3 client) at it with:");
  for (const [k, v] of Object.entries(env)) console.log(`  export ${k}=${v}`);
  console.log(`Accounts: management ${EXAMPLE_IDS.management}, security tooling ${EXAMPLE_IDS.securityTooling}`);
  for (const c of CASES) console.log(`  ${c.id}  ${c.what}`);

  // dist/test/endpoint/demo.js → dist/gates/cli/bin.js
  const cli = join(__dirname, "..", "..", "gates", "cli", "bin.js");
  if (existsSync(cli)) {
    for (const c of CASES) {
      console.log(`\n$ guardrails check ${c.id} --security-hub-account ${EXAMPLE_IDS.securityTooling} --home-region us-east-1 --endpoint-url ${aws.url}`);
      const { code, output } = await runCheck(cli, c.id, aws.url);
      process.stdout.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
      console.log(`exit ${code ?? "killed"} (${code === null ? "timeout" : (VERDICTS[code] ?? "unexpected")}) — ${c.what}`);
    }
  } else {
    console.log(`\nThe gate CLI is not built yet (${cli} is missing); run \`npm run build\` once it exists.`);
  }
  if (!serve) {
    await aws.close();
    return;
  }
  console.log("\nServing until Ctrl-C.");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await aws.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
