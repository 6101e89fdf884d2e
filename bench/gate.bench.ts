/**
 * Gate benchmark: one clean account checked against the local endpoint with 100 ms of latency on
 * every call. The gate's wall time is compared with the critical path of its AWS calls, i.e. the
 * longest chain of calls that must run one after another (./critical-path.ts); counts come from the
 * endpoint's request log.
 * Goals: wall / critical path <= 1.2 (median warm run), peak RSS < 150 MiB (endpoint in the same process).
 */
import { startLocalAws, endpointEnv, exampleWorld } from "../test/endpoint";
import { checkAccount } from "../gates/check";
import { criticalChain } from "./critical-path";

const LATENCY_MS = 100;
const WARM_RUNS = 5;
const ACCOUNT = "333333333333";
const SECURITY_HUB = "222222222222";

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);

async function main(): Promise<void> {
  const aws = await startLocalAws({ world: exampleWorld() });
  Object.assign(process.env, endpointEnv(aws.url), { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  const opts = { accountId: ACCOUNT, homeRegion: "us-east-1", securityHubAccountId: SECURITY_HUB, endpointUrl: aws.url };
  try {
    const runs: { label: string; wallMs: number; chain: number; verdict: string }[] = [];
    const labels = ["cold (first run: SDK loading, credential chain)", ...Array.from({ length: WARM_RUNS }, (_, i) => `warm ${i + 1}`)];
    for (const label of labels) {
      aws.reset();
      aws.faults.push({ latencyMs: LATENCY_MS });
      const started = performance.now();
      const v = await checkAccount(opts);
      const wallMs = performance.now() - started;
      runs.push({ label, wallMs, chain: criticalChain(aws.requests, SECURITY_HUB), verdict: v.verdict });
    }
    for (const r of runs) {
      const critical = r.chain * LATENCY_MS;
      console.log(`${r.label}: verdict ${r.verdict}, wall ${r.wallMs.toFixed(0)} ms, critical path ${r.chain} calls x ${LATENCY_MS} ms = ${critical} ms`);
    }
    const cold = runs[0]!;
    const warm = runs.slice(1).sort((a, b) => a.wallMs - b.wallMs)[Math.floor(WARM_RUNS / 2)]!;
    const ratio = warm.wallMs / (warm.chain * LATENCY_MS);
    console.log(`measured wall/critical-path ratio (median of ${WARM_RUNS} warm runs) ${ratio.toFixed(2)} (goal ≤ 1.2: ${ratio <= 1.2 ? "met" : "MISSED"})`);
    console.log(`measured wall/critical-path ratio (cold) ${(cold.wallMs / (cold.chain * LATENCY_MS)).toFixed(2)} (informative; includes loading the SDK)`);
    clearInterval(sampler);
    const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    console.log(`measured peak RSS ${(maxRss / 1024 / 1024).toFixed(0)} MiB (goal < 150 MiB: ${maxRss < 150 * 1024 * 1024 ? "met" : "MISSED"})`);
  } finally {
    await aws.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
