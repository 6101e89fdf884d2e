import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function apparentSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = apparentSize(path);
      bytes += sub.bytes;
      files += sub.files;
    } else if (entry.isFile()) {
      bytes += lstatSync(path).size;
      files++;
    }
  }
  return { bytes, files };
}

export const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;
