/**
 * The local AWS endpoint: one HTTP server on 127.0.0.1 that speaks each service's real wire protocol.
 * The service and region come from the SigV4 credential scope, the caller's account from the access key
 * id (static keys via World.accessKeys, temporary keys from AssumeRole). Signatures are not verified.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { cloudTrailHandler } from "./cloudtrail";
import { configHandler } from "./config";
import { FaultEngine, MALFORMED_BODY, type FaultRule, type ServiceName } from "./faults";
import { iamHandler } from "./iam";
import { organizationsHandler } from "./organizations";
import { s3Handler } from "./s3";
import { securityHubHandler } from "./securityhub";
import type { CallContext, IssuedSession, ServiceHandler, ServiceRequest } from "./service";
import { accountOfSessionKey, stsHandler } from "./sts";
import { ServiceError, queryError, type WireResponse } from "./wire";
import { getAccount, worldNow, type World } from "./world";
import { exampleWorld } from "./builders";

export interface RecordedRequest {
  service: string;
  action: string;
  accountId: string;
  region: string;
  /** ISO 8601 arrival time (wall clock). */
  at: string;
  /** HTTP status sent; 0 while pending or when the request hung. */
  status: number;
  /** The injected fault, if any. */
  fault?: string;
}

export interface LocalAws {
  /** e.g. http://127.0.0.1:43123 — pass as `endpoint` or AWS_ENDPOINT_URL. */
  url: string;
  world: World;
  /** Mutable: push/splice rules between calls. */
  faults: FaultRule[];
  requests: RecordedRequest[];
  close(): Promise<void>;
  /** Restores the world to its state at start, clears faults, requests and issued sessions. */
  reset(): void;
}

export interface StartOptions {
  world?: World;
  faults?: FaultRule[];
  /** Default 0: a random free port. */
  port?: number;
}

const HANDLERS: Record<ServiceName, ServiceHandler> = {
  sts: stsHandler,
  iam: iamHandler,
  organizations: organizationsHandler,
  config: configHandler,
  securityhub: securityHubHandler,
  s3: s3Handler,
  cloudtrail: cloudTrailHandler,
};
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** `Credential=<akid>/<date>/<region>/<service>/aws4_request` */
const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function isServiceName(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name);
}

function send(res: ServerResponse, wire: WireResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = typeof wire.body === "string" ? Buffer.from(wire.body, "utf8") : wire.body;
  res.writeHead(wire.status, { ...wire.headers, "content-length": wire.headers["content-length"] ?? String(body.length) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("request body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function snapshotOf(world: World): Omit<World, "hooks"> {
  const { hooks: _hooks, ...data } = world;
  return structuredClone(data);
}

export async function startLocalAws(opts: StartOptions = {}): Promise<LocalAws> {
  const world = opts.world ?? exampleWorld();
  const snapshot = snapshotOf(world);
  const faults: FaultRule[] = opts.faults ?? [];
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, IssuedSession>();
  const engine = new FaultEngine();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function accountFor(accessKeyId: string): string | undefined {
    const mapped = world.accessKeys[accessKeyId] ?? sessions.get(accessKeyId)?.accountId ?? accountOfSessionKey(accessKeyId);
    return mapped !== undefined && getAccount(world, mapped) ? mapped : undefined;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = String(req.headers["authorization"] ?? "");
    const scope = SCOPE.exec(auth);
    if (!scope || !isServiceName(scope[3])) {
      const err = new ServiceError("MissingAuthenticationToken", "Request is missing a SigV4 Authorization header for a known service", 403);
      send(res, queryError("https://local.invalid/", err));
      return;
    }
    const [, accessKeyId, region, service] = scope as unknown as [string, string, string, ServiceName];
    const handler = HANDLERS[service];
    const request: ServiceRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const action = handler.action(request) ?? "Unknown";
    const accountId = accountFor(accessKeyId);
    const record: RecordedRequest = { service, action, accountId: accountId ?? "unknown", region, at: new Date().toISOString(), status: 0 };
    requests.push(record);
    res.on("finish", () => (record.status = res.statusCode));

    const decision = faults.length > 0 ? engine.decide(faults, { service, action, accountId: record.accountId, region, body: body.toString("utf8") }) : undefined;
    if (decision?.fault) record.fault = decision.fault;
    if (decision && decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (closed) return;

    if (accountId === undefined) return send(res, handler.formatError(handler.unknownCredentialsError()));
    const ctx: CallContext = { world, accountId, region, action, accessKeyId, now: worldNow(world), sessions };
    const rule = decision?.rule === undefined ? undefined : faults[decision.rule];
    switch (decision?.fault) {
      case "hang":
        return; // never answered; close() destroys the socket
      case "throttle":
        return send(res, handler.formatError(handler.throttleError()));
      case "http5xx":
        return send(res, handler.formatError(handler.internalError()));
      case "accessDenied":
        return send(res, handler.formatError(handler.accessDeniedError(ctx)));
      case "error": {
        const spec = rule?.error ?? { code: "InternalFailure", status: 500 };
        return send(res, handler.formatError(new ServiceError(spec.code, spec.message ?? spec.code, spec.status)));
      }
      case "malformedBody": {
        const contentType = service === "organizations" || service === "config" || service === "cloudtrail" ? "application/x-amz-json-1.1" : service === "securityhub" ? "application/json" : "text/xml";
        return send(res, { status: 200, headers: { "content-type": contentType }, body: MALFORMED_BODY });
      }
      default:
        break;
    }
    let wire: WireResponse;
    try {
      wire = handler.handle(ctx, request);
    } catch (e) {
      wire = handler.formatError(
        e instanceof ServiceError ? e : e instanceof SyntaxError ? new ServiceError("SerializationException", e.message, 400) : handler.internalError(),
      );
    }
    if (decision?.fault === "truncatedBody") {
      const full = typeof wire.body === "string" ? Buffer.from(wire.body, "utf8") : wire.body;
      wire = { status: 200, headers: { ...wire.headers, "content-length": String(Math.floor(full.length / 2)) }, body: full.subarray(0, Math.floor(full.length / 2)) };
    }
    send(res, wire);
  }

  const server: Server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, headers: { "content-type": "text/plain" }, body: "local endpoint error" });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    world,
    faults,
    requests,
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
    reset() {
      const hooks = world.hooks;
      Object.assign(world, structuredClone(snapshot), { hooks });
      faults.length = 0;
      requests.length = 0;
      sessions.clear();
    },
  };
}
