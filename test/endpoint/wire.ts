/**
 * Wire-format helpers shared by the protocol handlers: AWS query (XML), awsJson1_1, restJson1, restXml.
 * Each handler returns a WireResponse; a ServiceError carries what every protocol needs to format an
 * error the way the real service does, so the SDK's own deserializers map it to its modelled exception.
 */
import { randomUUID } from "node:crypto";

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A service error; `code` is the wire code (e.g. `ReportNotPresent`), not the SDK class name. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** query protocol <Type>: Sender (client fault) or Receiver (server fault). */
    readonly fault: "Sender" | "Receiver" = status >= 500 ? "Receiver" : "Sender",
  ) {
    super(message);
    this.name = code;
  }
}

export function requestId(): string {
  return randomUUID();
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A value the XML serializer understands: scalars, nested elements, and query-style lists. */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlNode | XmlList;
export interface XmlNode {
  [element: string]: XmlValue;
}
/** A list serialized as `<member>` children (query protocol) or another member name. */
export interface XmlList {
  readonly list: readonly XmlValue[];
  readonly member?: string;
}
export function xmlList(items: readonly XmlValue[], member = "member"): XmlList {
  return { list: items, member };
}
function isXmlList(value: object): value is XmlList {
  return Array.isArray((value as { list?: unknown }).list);
}

/** Serializes `node` as child elements; undefined/null values are omitted like AWS omits unset members. */
export function toXml(node: XmlNode): string {
  let out = "";
  for (const [name, value] of Object.entries(node)) out += element(name, value);
  return out;
}
function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") {
    if (isXmlList(value)) {
      const member = value.member ?? "member";
      return `<${name}>${value.list.map((item) => element(member, item)).join("")}</${name}>`;
    }
    return `<${name}>${toXml(value)}</${name}>`;
  }
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** AWS query protocol success: `<XResponse xmlns><XResult>…</XResult><ResponseMetadata>…`. */
export function queryResponse(action: string, namespace: string, result: XmlNode | null): WireResponse {
  const inner = result === null ? "" : `<${action}Result>${toXml(result)}</${action}Result>`;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
    `${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "content-type": "text/xml" }, body };
}

/** AWS query protocol error (IAM, STS): `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function queryError(namespace: string, err: ServiceError): WireResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error>` +
    `<Type>${err.fault}</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message>` +
    `</Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { "content-type": "text/xml" }, body };
}

/** awsJson1_1 success (Organizations, Config). */
export function jsonResponse(payload: unknown): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() },
    body: JSON.stringify(payload),
  };
}

/** awsJson1_1 error: `__type` in the body (the SDK reads it, or the x-amzn-ErrorType header). */
export function jsonError(err: ServiceError): WireResponse {
  return {
    status: err.status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": requestId(),
      "x-amzn-errortype": err.code,
    },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  };
}

/** restJson1 success (Security Hub). */
export function restJsonResponse(payload: unknown): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId() },
    body: JSON.stringify(payload),
  };
}

/** restJson1 error: `x-amzn-ErrorType` header plus `{Code, Message}` as Security Hub sends. */
export function restJsonError(err: ServiceError): WireResponse {
  return {
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId(),
      "x-amzn-errortype": err.code,
    },
    body: JSON.stringify({ Code: err.code, Message: err.message }),
  };
}

/** S3 restXml error: a bare `<Error>` document. */
export function s3Error(err: ServiceError, extra: XmlNode = {}): WireResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(err.code)}</Code>` +
    `<Message>${xmlEscape(err.message)}</Message>${toXml(extra)}<RequestId>${requestId()}</RequestId></Error>`;
  return { status: err.status, headers: { "content-type": "application/xml", "x-amz-request-id": requestId() }, body };
}

/** Opaque pagination token: the offset into a deterministic listing. */
export function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`, "utf8").toString("base64");
}
export function decodeToken(token: string | undefined, errorCode: string): number {
  if (token === undefined || token === "") return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
  if (!match) throw new ServiceError(errorCode, "Invalid pagination token", 400);
  return Number(match[1]);
}

/** One page of `items` starting at `offset`; `next` is undefined on the last page. */
export function page<T>(items: readonly T[], offset: number, size: number): { items: T[]; next: number | undefined } {
  const end = Math.min(items.length, offset + size);
  return { items: items.slice(offset, end), next: end < items.length ? end : undefined };
}

/** Clamp a client-supplied page size into the service's documented range. */
export function pageSize(requested: unknown, defaultSize: number, max: number): number {
  const n = typeof requested === "number" ? requested : typeof requested === "string" ? Number(requested) : NaN;
  if (!Number.isFinite(n) || n <= 0) return defaultSize;
  return Math.min(Math.floor(n), max);
}
