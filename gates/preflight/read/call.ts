/**
 * How preflight's readers call AWS: every call goes through callAws (timeouts, retries, the shared
 * limiter), and each read ends as an Outcome, so a check sees "could not read" and never empty data.
 */
import { classifyAwsError } from "../../aws/errors";
import { failure, success, type Outcome } from "../types";

/** One AWS call under the run's time rules (callAws with a policy); throws AwsCallError. */
export type Call = <T>(api: string, send: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Runs `read`; an error becomes a failed Outcome unless `explain` recognises it (by wire code, kind and the
 * service's message) as an answer in its own right, e.g. "not subscribed" meaning "not enabled".
 */
export async function outcomeOf<T>(read: () => Promise<T>, explain?: (code: string, kind: string, message: string) => T | undefined): Promise<Outcome<T>> {
  try {
    return success(await read());
  } catch (err) {
    const c = classifyAwsError(err);
    const explained = explain?.(c.code, c.kind, c.message);
    if (explained !== undefined) return success(explained);
    return failure(c.kind, c.message);
  }
}

/** Guards against a service that keeps returning a NextToken. */
const MAX_PAGES = 10_000;

/** Every page of a NextToken-paginated read, in order. */
export async function allPages<P extends { NextToken?: string | undefined }>(fetch: (token: string | undefined) => Promise<P>): Promise<P[]> {
  const pages: P[] = [];
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetch(token);
    pages.push(page);
    token = page.NextToken;
    if (token === undefined || token === "") return pages;
  }
  throw new Error(`pagination did not end after ${MAX_PAGES} pages`);
}
