/**
 * The local endpoint in a process of its own for the service benchmark's sweeps (so that what the endpoint does is
 * not counted in the handlers' durations, as AWS's work is not in Lambda's): bigOrganization(members) with the
 * service's two buckets, per-call latency and AWS's API quotas (./aws-quotas.ts). On request it reports its
 * request log by service and action, and the bytes stored in each bucket.
 */
import { fork, type ChildProcess } from "node:child_process";
import { bigOrganization, startLocalAws } from "../test/endpoint";
import { quotaFaults } from "./aws-quotas";

export interface EndpointSetup {
  members: number;
  latencyMs: number;
  /** Bucket name -> Object Lock on (the evidence bucket) or off (the work bucket). */
  buckets: Record<string, boolean>;
  ownerAccountId: string;
}

export interface EndpointReport {
  /** "service:Action" -> requests served (throttled ones apart). */
  served: Record<string, number>;
  throttled: Record<string, number>;
  /** Bucket -> [objects, bytes]. */
  stored: Record<string, [number, number]>;
  /** ACTIVE accounts in the organization. */
  active: number;
}

export interface EndpointProcess {
  url: string;
  report(): Promise<EndpointReport>;
  close(): void;
}

export function startEndpointProcess(setup: EndpointSetup): Promise<EndpointProcess> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(setup)], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: ["--max-old-space-size=2048"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: unknown) =>
      resolve({
        url: (m as { url: string }).url,
        report: () =>
          new Promise((done) => {
            child.once("message", (r: unknown) => done(r as EndpointReport));
            child.send("report");
          }),
        close: () => child.kill(),
      }),
    );
  });
}

async function serve(setup: EndpointSetup): Promise<void> {
  const world = bigOrganization(setup.members);
  for (const [name, objectLockEnabled] of Object.entries(setup.buckets)) world.s3Buckets[name] = { ownerAccountId: setup.ownerAccountId, objectLockEnabled, objects: {} };
  const aws = await startLocalAws({ world, faults: quotaFaults(setup.latencyMs) });
  process.on("message", (message: unknown) => {
    if (message !== "report") return;
    const served: Record<string, number> = {};
    const throttled: Record<string, number> = {};
    for (const r of aws.requests) {
      const into = r.fault === "throttle" ? throttled : served;
      const key = `${r.service}:${r.action}`;
      into[key] = (into[key] ?? 0) + 1;
    }
    const stored: Record<string, [number, number]> = {};
    for (const name of Object.keys(setup.buckets)) {
      const objects = Object.values(aws.world.s3Buckets[name]?.objects ?? {});
      stored[name] = [objects.length, objects.reduce((n, o) => n + Buffer.byteLength(o.body, "base64"), 0)];
    }
    const active = Object.values(aws.world.accounts).filter((a) => a.status === "ACTIVE").length;
    process.send?.({ served, throttled, stored, active } satisfies EndpointReport);
  });
  process.on("disconnect", () => void aws.close().then(() => process.exit(0)));
  process.send?.({ url: aws.url });
}

if (require.main === module) {
  serve(JSON.parse(process.argv[2]!) as EndpointSetup).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
