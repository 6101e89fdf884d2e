/**
 * Shared set-up of the gate service tests: the local endpoint, the service's settings pointed at it, its
 * two buckets, and a way to read back what the handlers stored. The handlers run in process through the
 * same SDK clients the deployed function uses.
 *
 * The endpoint lets only a bucket's owner in (test/endpoint/s3.ts): the buckets belong to the management
 * account, whose keys the tests use, where in AWS the evidence bucket is the security-tooling account's and
 * its bucket policy lets the service's role write (modules/gate-service, modules/evidence-bucket).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHandler, type ServiceHandler } from "../../gates/service";
import type { ServiceSettings } from "../../gates/service/settings";
import { READY_TAG_KEY } from "../../modules/constants";
import { EXAMPLE_IDS, useEndpointCredentials, exampleWorld, startLocalAws, type LocalAws, type World } from "../endpoint";

export const IDS = EXAMPLE_IDS;
export const PRODUCTION_OU = "ou-ex01-security";
export const EVIDENCE_BUCKET = "org-evidence";
export const WORK_BUCKET = "gate-service-work";

export function withServiceBuckets(world: World): World {
  world.s3Buckets[EVIDENCE_BUCKET] = { ownerAccountId: IDS.management, objectLockEnabled: true, objects: {} };
  world.s3Buckets[WORK_BUCKET] = { ownerAccountId: IDS.management, objectLockEnabled: false, objects: {} };
  return world;
}

export function serviceSettings(url: string, over: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    partition: "aws",
    homeRegion: "us-east-1",
    managementAccountId: IDS.management,
    securityHubAccountId: IDS.securityTooling,
    roleName: "GuardrailsGateReadOnly",
    require: ["IAM.4"],
    maxAccessKeyAgeDays: 90,
    acceptNoRootCredentials: false,
    ownerTagKey: "owner",
    tagKey: READY_TAG_KEY,
    productionOuId: PRODUCTION_OU,
    evidenceBucket: EVIDENCE_BUCKET,
    evidencePrefix: "gate-service",
    workBucket: WORK_BUCKET,
    batchSize: 4,
    concurrency: 4,
    // No service test hangs a call: the limits only have to outlast a loaded machine (an evidence PutObject
    // passed 2 s with three suites running at once).
    timeoutMs: 20_000,
    callTimeoutMs: 10_000,
    maxWaitSeconds: 86_400,
    waitBackoff: { baseSeconds: 5, maxSeconds: 60 },
    endpointUrl: url,
    ...over,
  };
}

/** Short backoffs so faults resolve fast (as the gate-io tests do); the sweep limiter starts fast (as test/sweep/e2e does). */
export const FAST = { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 }, reportPoll: { baseDelayMs: 5, maxDelayMs: 20 }, limiter: { initialRatePerSecond: 1000, burst: 100, knownQuotas: {} } };

export interface ServiceHarness {
  aws: LocalAws;
  settings: ServiceSettings;
  handler: ServiceHandler;
}

/** The endpoint (example organization unless given) with the service's buckets, and the handler for it. */
export async function startService(world: World = exampleWorld(), over: Partial<ServiceSettings> = {}): Promise<ServiceHarness> {
  const aws = await startLocalAws({ world: withServiceBuckets(world) });
  // The gate's own credentials come from the SDK's default chain, as in the deployed function (its role).
  useEndpointCredentials(aws.url);
  const settings = serviceSettings(aws.url, over);
  return { aws, settings, handler: createHandler(settings, FAST) };
}

/** Objects of a bucket under a prefix, decoded. */
export function objectsUnder(aws: LocalAws, bucket: string, prefix: string): Map<string, { body: Buffer; headers: Record<string, string> }> {
  const out = new Map<string, { body: Buffer; headers: Record<string, string> }>();
  for (const [key, o] of Object.entries(aws.world.s3Buckets[bucket]?.objects ?? {})) {
    if (key.startsWith(prefix)) out.set(key, { body: Buffer.from(o.body, "base64"), headers: o.headers });
  }
  return out;
}

/** Copies the evidence under a prefix into a directory (as an auditor would with `aws s3 sync`); returns the file names. */
export function downloadEvidence(aws: LocalAws, prefix: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (const [key, o] of objectsUnder(aws, EVIDENCE_BUCKET, prefix)) {
    const name = key.slice(prefix.length).replace(/^\//, "");
    writeFileSync(join(dir, name), o.body);
    names.push(name);
  }
  return names.sort();
}
