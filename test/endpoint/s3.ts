/**
 * S3 (restXml, path-style `/<bucket>/<key>`): PutObject, GetObject, HeadObject, and ListObjectsV2
 * (`GET /<bucket>?list-type=2`). Object-lock headers are stored with the object; asking for a lock on a
 * bucket without Object Lock fails as it does in AWS.
 */
import { createHash } from "node:crypto";
import type { CallContext, ServiceHandler, ServiceRequest } from "./service";
import { ServiceError, decodeToken, encodeToken, s3Error, xmlEscape, type WireResponse } from "./wire";

interface Target {
  bucket: string;
  key: string;
}

function target(req: ServiceRequest): Target {
  const [, bucket = "", ...rest] = req.path.split("/");
  return { bucket: decodeURIComponent(bucket), key: rest.map(decodeURIComponent).join("/") };
}

/** Decodes `aws-chunked` bodies (streaming uploads with trailing checksums) to the object bytes. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (let guard = 0; guard < 1_000_000 && pos < body.length; guard++) {
    const lineEnd = body.indexOf("\r\n", pos);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(pos, lineEnd).toString("latin1").split(";")[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const STORED_HEADERS = /^(content-type|content-md5|cache-control|x-amz-meta-.*|x-amz-object-lock-.*|x-amz-checksum-(crc32|crc32c|sha1|sha256|crc64nvme)|x-amz-server-side-encryption.*|x-amz-tagging)$/;

function noSuchBucket(bucket: string): ServiceError {
  return Object.assign(new ServiceError("NoSuchBucket", "The specified bucket does not exist", 404), { bucket });
}

/**
 * ListObjectsV2: keys under `prefix` in UTF-8 binary order, at most `max-keys` (default and maximum 1,000) a
 * page, `Contents` elements flattened in `ListBucketResult`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 */
function listObjects(store: S3BucketStore, bucket: string, req: ServiceRequest): WireResponse {
  const prefix = req.query.get("prefix") ?? "";
  const maxKeys = Math.min(1000, Math.max(1, Number(req.query.get("max-keys") ?? 1000) || 1000));
  const start = decodeToken(req.query.get("continuation-token") ?? undefined, "InvalidArgument");
  const keys = Object.keys(store.objects)
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pageKeys = keys.slice(start, start + maxKeys);
  const truncated = start + maxKeys < keys.length;
  const contents = pageKeys
    .map((key) => {
      const o = store.objects[key]!;
      const size = Buffer.from(o.body, "base64").length;
      return `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join("");
  const next = truncated ? `<NextContinuationToken>${encodeToken(start + maxKeys)}</NextContinuationToken>` : "";
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${pageKeys.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
    `<IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`;
  return { status: 200, headers: { "content-type": "application/xml", "x-amz-request-id": "local" }, body };
}

type S3BucketStore = CallContext["world"]["s3Buckets"][string];

function handle(ctx: CallContext, req: ServiceRequest): WireResponse {
  const { bucket, key } = target(req);
  const store = ctx.world.s3Buckets[bucket];
  if (!store || !Object.prototype.hasOwnProperty.call(ctx.world.s3Buckets, bucket)) throw noSuchBucket(bucket);
  if (store.ownerAccountId !== ctx.accountId) throw new ServiceError("AccessDenied", "Access Denied", 403);
  switch (ctx.action) {
    case "ListObjectsV2":
      return listObjects(store, bucket, req);
    case "PutObject": {
      const encoding = String(req.headers["content-encoding"] ?? "");
      const bytes = encoding.includes("aws-chunked") ? decodeAwsChunked(req.body) : req.body;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && STORED_HEADERS.test(name)) headers[name] = value;
      }
      if (headers["x-amz-object-lock-mode"] && !store.objectLockEnabled) {
        throw new ServiceError("InvalidRequest", "Bucket is missing Object Lock Configuration", 400);
      }
      const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
      store.objects[key] = { body: bytes.toString("base64"), headers, lastModified: ctx.now.toUTCString(), etag };
      return { status: 200, headers: { etag, "x-amz-request-id": "local" }, body: "" };
    }
    case "GetObject":
    case "HeadObject": {
      const object = store.objects[key];
      if (!object || !Object.prototype.hasOwnProperty.call(store.objects, key)) {
        if (ctx.action === "HeadObject") throw new ServiceError("NotFound", "Not Found", 404);
        throw Object.assign(new ServiceError("NoSuchKey", "The specified key does not exist.", 404), { key });
      }
      const body = Buffer.from(object.body, "base64");
      // Checksum headers are not echoed: the SDK would validate them, and stored ones may be trailers.
      const headers: Record<string, string> = {
        etag: object.etag,
        "last-modified": object.lastModified,
        "content-length": String(body.length),
      };
      for (const [name, value] of Object.entries(object.headers)) if (!name.startsWith("x-amz-checksum")) headers[name] = value;
      return { status: 200, headers, body: ctx.action === "HeadObject" ? "" : body };
    }
    default:
      throw new ServiceError("NotImplemented", `The local endpoint does not implement ${ctx.action}`, 501);
  }
}

export const s3Handler: ServiceHandler = {
  service: "s3",
  action(req) {
    const { key } = target(req);
    if (key === "") return req.method === "GET" && req.query.get("list-type") === "2" ? "ListObjectsV2" : undefined;
    return req.method === "PUT" ? "PutObject" : req.method === "GET" ? "GetObject" : req.method === "HEAD" ? "HeadObject" : undefined;
  },
  handle,
  formatError(err) {
    const extra = err as ServiceError & { bucket?: string; key?: string };
    return s3Error(err, { BucketName: extra.bucket, Key: extra.key });
  },
  throttleError: () => new ServiceError("SlowDown", "Please reduce your request rate.", 503),
  internalError: () => new ServiceError("InternalError", "We encountered an internal error. Please try again.", 500),
  accessDeniedError: () => new ServiceError("AccessDenied", "Access Denied", 403),
  unknownCredentialsError: () => new ServiceError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403),
};
