import { createHash } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { contentTypeFor, parseEvidenceBucket, putEvidenceObject } from "../../gates/sweep/evidence-bucket";
import type { OrgCall } from "../../gates/sweep/organization";
import { EXAMPLE_IDS, clientConfig, emptyWorld, startLocalAws, type LocalAws } from "../endpoint";

describe("--evidence-bucket", () => {
  it("parses s3://bucket/prefix and rejects anything else", () => {
    expect(parseEvidenceBucket("s3://org-evidence/sweeps/2026/")).toEqual({ bucket: "org-evidence", prefix: "sweeps/2026" });
    expect(parseEvidenceBucket("s3://org-evidence")).toEqual({ bucket: "org-evidence", prefix: "" });
    expect(() => parseEvidenceBucket("https://org-evidence/x")).toThrow("s3://bucket/prefix");
    expect(() => parseEvidenceBucket("s3://Org_Evidence/x")).toThrow("not a valid S3 bucket name");
  });

  it("names content types for bundles and their Markdown", () => {
    expect(contentTypeFor("a/b.json")).toBe("application/json");
    expect(contentTypeFor("a/b.md")).toBe("text/markdown; charset=utf-8");
  });

  describe("against the local endpoint", () => {
    let aws: LocalAws;
    beforeAll(async () => {
      const world = emptyWorld(EXAMPLE_IDS.management);
      world.s3Buckets["org-evidence"] = { ownerAccountId: EXAMPLE_IDS.management, objectLockEnabled: true, objects: {} };
      aws = await startLocalAws({ world });
    });
    afterAll(() => aws.close());

    it("puts the object with Content-MD5, a SHA-256 checksum and its content type", async () => {
      const s3 = new S3Client({ ...clientConfig(aws.url), forcePathStyle: true });
      const direct: OrgCall = (_api, send) => send(new AbortController().signal);
      const body = Buffer.from('{"kind":"index"}');
      const put = await putEvidenceObject(s3, direct, { bucket: "org-evidence", prefix: "sweeps/x" }, "index.json", body);
      s3.destroy();
      expect(put).toEqual({ key: "sweeps/x/index.json", sha256: createHash("sha256").update(body).digest("hex") });
      const stored = aws.world.s3Buckets["org-evidence"]?.objects["sweeps/x/index.json"];
      expect(Buffer.from(stored?.body ?? "", "base64").toString()).toBe('{"kind":"index"}');
      expect(stored?.headers["content-type"]).toBe("application/json");
      expect(stored?.headers["content-md5"]).toBe(createHash("md5").update(body).digest("base64"));
      expect(stored?.headers["x-amz-checksum-sha256"]).toBe(createHash("sha256").update(body).digest("base64"));
    });
  });
});
