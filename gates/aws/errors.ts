/**
 * AWS error -> ReadFailureKind. Every error the gate cannot positively explain is a failure of the
 * read ("error"), never empty data: the decision functions turn each kind into INCONCLUSIVE.
 */
import type { ReadFailureKind } from "../types";

export interface ClassifiedError {
  kind: ReadFailureKind;
  /** Worth another attempt within the deadline (throttling, 5xx, dropped connection, call timeout). */
  retryable: boolean;
  /** The service's error code or the error's name ("Throttling", "SyntaxError", ...). */
  code: string;
  /** Short, secret-free description: error name and HTTP status, never the request or credentials. */
  message: string;
}

/** Thrown by the call layer once retries are exhausted or not allowed; collectors catch it. */
export class AwsCallError extends Error {
  readonly kind: ReadFailureKind;
  readonly code: string;
  constructor(kind: ReadFailureKind, code: string, message: string) {
    super(message);
    this.name = "AwsCallError";
    this.kind = kind;
    this.code = code;
  }
}

const ACCESS_DENIED = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|AccessDeniedForDependencyException|InvalidClientTokenId|ExpiredToken|ExpiredTokenException|SignatureDoesNotMatch|UnrecognizedClientException|AuthFailure)$/;
const THROTTLED = /^(Throttling|ThrottlingException|ThrottledException|TooManyRequests|TooManyRequestsException|RequestLimitExceeded|SlowDown|LimitExceeded|LimitExceededException|RequestThrottled|RequestThrottledException|ProvisionedThroughputExceededException|TransactionInProgressException)$/;
const TIMEOUT = /^(AbortError|TimeoutError|RequestTimeout|RequestTimeoutException)$/;
const NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "ECONNABORTED", "EHOSTUNREACH"]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: unknown;
}

function errorCode(e: ErrorShape): string {
  for (const c of [e.Code, e.name, e.code]) if (typeof c === "string" && c !== "" && c !== "Error") return c;
  return "Error";
}

function httpStatus(e: ErrorShape): number | null {
  const s = e.$metadata?.httpStatusCode;
  return typeof s === "number" ? s : null;
}

/** Turns any thrown value into a kind, whether it is retryable and a loggable message. */
export function classifyAwsError(err: unknown): ClassifiedError {
  if (err instanceof AwsCallError) return { kind: err.kind, retryable: false, code: err.code, message: err.message };
  const e: ErrorShape = typeof err === "object" && err !== null ? (err as ErrorShape) : { message: String(err) };
  const code = errorCode(e);
  const status = httpStatus(e);
  const text = typeof e.message === "string" ? e.message : "";
  const where = status !== null ? ` (HTTP ${status})` : "";
  // The service's own sentence says which permission or resource is at fault; bounded, and masked at output.
  const detail = text !== "" && text !== code && !/Deserialization error/.test(text) ? ` (${text.replace(/\s+/g, " ").slice(0, 200)})` : "";
  const describe = (what: string): string => `${what}: ${code}${where}${detail}`;

  if (ACCESS_DENIED.test(code) || status === 403) {
    return { kind: "access-denied", retryable: false, code, message: describe("access denied") };
  }
  if (code === "InvalidAccessException" || /not subscribed to AWS Security Hub/i.test(text)) {
    return { kind: "not-enabled", retryable: false, code, message: describe("service not enabled") };
  }
  if (THROTTLED.test(code) || status === 429) {
    return { kind: "throttled", retryable: true, code, message: describe("throttled") };
  }
  if (TIMEOUT.test(code) || /timed? ?out|aborted/i.test(code)) {
    return { kind: "timeout", retryable: true, code, message: describe("timed out") };
  }
  // A body the SDK could not parse (truncated or not JSON/XML): never read as "no data".
  if (code === "SyntaxError" || /Deserialization error|parse error|Unexpected end of|Unexpected token|not valid JSON/i.test(text)) {
    return { kind: "malformed", retryable: false, code, message: describe("malformed response body") };
  }
  if (NETWORK_CODES.has(code)) {
    return { kind: "error", retryable: true, code, message: describe("network error") };
  }
  if ((status !== null && status >= 500) || e.$fault === "server") {
    return { kind: "error", retryable: true, code, message: describe("service error") };
  }
  if (/NoSuchEntity|NotFound|ResourceNotFound/.test(code) || status === 404) {
    return { kind: "not-found", retryable: false, code, message: describe("not found") };
  }
  return { kind: "error", retryable: false, code, message: describe("request failed") };
}
