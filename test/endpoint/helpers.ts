/** Client settings for talking to the local endpoint through the real SDK (tests and demo). */
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "./world";

export const TEST_CREDENTIALS = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };

/** Config for any SDK v3 client: endpoint override, us-east-1, static fake credentials. */
export function clientConfig(url: string, extra: { maxAttempts?: number } = {}) {
  return { endpoint: url, region: "us-east-1", credentials: TEST_CREDENTIALS, ...extra };
}

/** Environment for a child process (the gate CLI) pointed at the endpoint. */
export function endpointEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET_ACCESS_KEY,
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * Points the SDK's default credential chain at the endpoint's fake keys (region too; no instance metadata), as a
 * deployed gate finds its own credentials. Not the endpoint URL: clients are given it explicitly.
 */
export function useEndpointCredentials(url: string): void {
  const env = endpointEnv(url);
  for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"]) process.env[key] = env[key];
}
