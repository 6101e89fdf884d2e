/** The contract between the HTTP server and one service's protocol handler. */
import type { IncomingHttpHeaders } from "node:http";
import type { ServiceName } from "./faults";
import type { ServiceError, WireResponse } from "./wire";
import type { World } from "./world";

export interface ServiceRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A temporary credential issued by AssumeRole; its access key id names the target account. */
export interface IssuedSession {
  accountId: string;
  roleName: string;
  sessionName: string;
  /** Set for a centralized-root session (sts:AssumeRoot): the root-task policy's name that scopes it. */
  rootTaskPolicy?: string;
}

export interface CallContext {
  world: World;
  accountId: string;
  region: string;
  action: string;
  accessKeyId: string;
  now: Date;
  sessions: Map<string, IssuedSession>;
}

export interface ServiceHandler {
  readonly service: ServiceName;
  /** The operation name, read before faults are applied; undefined when the request names none. */
  action(req: ServiceRequest): string | undefined;
  handle(ctx: CallContext, req: ServiceRequest): WireResponse;
  formatError(err: ServiceError): WireResponse;
  /** The service's own wire errors for injected faults. */
  throttleError(): ServiceError;
  internalError(): ServiceError;
  accessDeniedError(ctx: CallContext): ServiceError;
  unknownCredentialsError(): ServiceError;
}

/**
 * The awsJson1_1 half of a handler (Organizations, Config): the operation comes from the
 * `X-Amz-Target: <prefix><Operation>` header and the input is the JSON body.
 */
export function awsJson11Routing<Input>(
  targetPrefix: string,
  dispatch: (ctx: CallContext, input: Input) => unknown,
  respond: (payload: unknown) => WireResponse,
): Pick<ServiceHandler, "action" | "handle"> {
  return {
    action(req) {
      const target = req.headers["x-amz-target"];
      return typeof target === "string" && target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : undefined;
    },
    handle(ctx, req) {
      const input = (req.body.length > 0 ? JSON.parse(req.body.toString("utf8")) : {}) as Input;
      return respond(dispatch(ctx, input));
    },
  };
}
