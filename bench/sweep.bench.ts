/**
 * Sweep at scale on the local endpoint: 100 and 1,000 accounts (bigOrganization: nested OUs, mixed
 * states) with 50 ms latency on every call and every IAM API throttled at IAM_RATE requests/second
 * (one token bucket per IAM action, shared by all accounts, as AWS throttles per API).
 *
 * Bound: the throttled bottleneck API must serve all its calls at IAM_RATE/s (its calls / rate),
 * and latency alone costs 50 ms × calls / concurrency; the larger of the two is the best any sweep
 * can do. With 1 call per IAM API per account and 20/s that is 1,000 / 20 = 50 s (chosen so the
 * whole benchmark stays near a minute and a half). Goals: wall ≤ 1.25 × bound, peak RSS of the
 * sweeping process < 256 MiB (the endpoint runs in a child process so its world is not counted),
 * per-account time at 1,000 ≤ 1.25 × at 100 (linear).
 */
import { fork, type ChildProcess } from "node:child_process";
import { runSweep } from "../gates/sweep/run";
import { EXAMPLE_IDS, bigOrganization, endpointEnv, startLocalAws } from "../test/endpoint";

interface EndpointStats {
  served: [string, number][];
  throttles: number;
}

const LATENCY_MS = 50;
const IAM_RATE = 20;
const CONCURRENCY = Number(process.env["SWEEP_BENCH_CONCURRENCY"] ?? 16);

interface Run {
  accounts: number;
  wallMs: number;
  boundMs: number;
  bottleneck: string;
  exitCode: number;
  throttles: number;
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
sampler.unref();

/** Child process mode: serve bigOrganization(n) until told to report and close. */
async function serveEndpoint(members: number): Promise<void> {
  const aws = await startLocalAws({ world: bigOrganization(members), faults: [{ latencyMs: LATENCY_MS }, { service: "iam", ratePerSecond: IAM_RATE }] });
  process.on("message", (message: unknown) => {
    if (message !== "stats") return;
    const served = new Map<string, number>();
    let throttles = 0;
    for (const r of aws.requests) {
      if (r.fault === "throttle") throttles++;
      else served.set(`${r.service}:${r.action}`, (served.get(`${r.service}:${r.action}`) ?? 0) + 1);
    }
    const stats: EndpointStats = { served: [...served], throttles };
    process.send?.(stats, () => void aws.close().then(() => process.exit(0)));
  });
  process.send?.({ url: aws.url });
}

function startEndpointProcess(members: number): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(__filename, ["--endpoint", String(members)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: unknown) => resolve({ url: (m as { url: string }).url, child }));
    child.once("error", reject);
  });
}

function endpointStats(child: ChildProcess): Promise<EndpointStats> {
  return new Promise((resolve) => {
    child.once("message", (m: unknown) => resolve(m as EndpointStats));
    child.send("stats");
  });
}

async function sweep(members: number): Promise<Run> {
  const { url, child } = await startEndpointProcess(members);
  const aws = { url };
  const env = endpointEnv(aws.url);
  for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"]) process.env[key] = env[key];
  try {
    const started = performance.now();
    const result = await runSweep({
      homeRegion: "us-east-1",
      securityHubAccountId: EXAMPLE_IDS.securityTooling,
      managementAccountId: EXAMPLE_IDS.management,
      endpointUrl: aws.url,
      concurrency: CONCURRENCY,
      timeoutMs: 120_000,
      callTimeoutMs: 10_000,
      retry: { maxAttempts: 8 },
    });
    const wallMs = performance.now() - started;
    // Calls the endpoint answered without a throttle, per API; the throttled IAM API with most calls bounds the sweep.
    const stats = await endpointStats(child);
    const served = new Map(stats.served);
    const throttles = stats.throttles;
    const total = [...served.values()].reduce((a, b) => a + b, 0);
    const iam = [...served].filter(([api]) => api.startsWith("iam:")).sort((a, b) => b[1] - a[1])[0] ?? ["iam:none", 0];
    const throttleBoundMs = (iam[1] / IAM_RATE) * 1000;
    const latencyBoundMs = (LATENCY_MS * total) / CONCURRENCY;
    const boundMs = Math.max(throttleBoundMs, latencyBoundMs);
    const bottleneck = throttleBoundMs >= latencyBoundMs ? `${iam[0]} ${iam[1]} calls / ${IAM_RATE}/s` : `latency ${LATENCY_MS} ms × ${total} calls / ${CONCURRENCY}`;
    const worstMissed = result.accounts.filter((a) => a.controls.some((c) => /throttl|deadline/i.test(c.reasons.join(" ")))).length;
    if (worstMissed > 0) console.log(`  note: ${worstMissed} account(s) hit throttling beyond retries or the deadline`);
    return { accounts: result.accounts.length, wallMs, boundMs, bottleneck, exitCode: result.exitCode, throttles };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  console.log(`sweep: ${LATENCY_MS} ms per call, IAM ${IAM_RATE} req/s per API, concurrency ${CONCURRENCY}`);
  await sweep(10); // warm-up: SDK modules and connections
  const runs: Run[] = [];
  for (const members of [100, 1000]) {
    const run = await sweep(members);
    runs.push(run);
    console.log(
      `${String(run.accounts).padStart(5)} accounts: wall ${(run.wallMs / 1000).toFixed(1)} s, bound ${(run.boundMs / 1000).toFixed(1)} s (${run.bottleneck}), ratio ${(run.wallMs / run.boundMs).toFixed(2)} (goal ≤ 1.25), ${run.throttles} throttled calls, exit ${run.exitCode}`,
    );
  }
  const [small, large] = runs as [Run, Run];
  const perSmall = small.wallMs / small.accounts;
  const perLarge = large.wallMs / large.accounts;
  console.log(`per account: ${perSmall.toFixed(1)} ms at ${small.accounts}, ${perLarge.toFixed(1)} ms at ${large.accounts}; growth ratio ${(perLarge / perSmall).toFixed(2)} (goal ≤ 1.25: linear)`);
  console.log(`peak RSS ${(peakRss / 1048576).toFixed(0)} MiB, sweeping process (goal < 256 MiB)`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    console.log(`heap retained after the sweeps (after GC): ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB (what the sweep keeps: verdicts, not sessions)`);
  }
  clearInterval(sampler);
}

const endpointArg = process.argv.indexOf("--endpoint");
(endpointArg >= 0 ? serveEndpoint(Number(process.argv[endpointArg + 1])) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
