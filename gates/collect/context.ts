/** What every collector needs: clients, time rules and where it reads. */
import type { CallPolicy } from "../aws/call";
import type { AwsClientFactory } from "../aws/clients";
import { AwsCallError, classifyAwsError } from "../aws/errors";
import type { Read, ReadFailure, ReadLocation } from "../types";

export interface CollectContext {
  aws: AwsClientFactory;
  policy: CallPolicy;
  /** The gate's clock (observedAt of every read). */
  clock: () => Date;
  accountId: string;
  homeRegion: string;
  partition: string;
  securityHubAccountId: string;
  /** How to poll a credential report being generated. */
  reportPoll: { baseDelayMs: number; maxDelayMs: number };
}

/**
 * Runs a read and returns Read<T>: never throws. Any error becomes a ReadFailure with its kind,
 * so a failing source can only ever make the verdict worse, never read as "clean".
 */
export async function readSource<T>(ctx: Pick<CollectContext, "clock">, where: ReadLocation, read: () => Promise<T>): Promise<Read<T>> {
  try {
    const value = await read();
    return { ok: true, value, observedAt: ctx.clock().toISOString(), ...where };
  } catch (err) {
    const c = classifyAwsError(err);
    // AwsCallError and MalformedResponseError already name the API and say what was wrong.
    const message = err instanceof AwsCallError || err instanceof MalformedResponseError ? err.message : `${where.api}: ${c.message}`;
    const failure: ReadFailure = { ok: false, kind: c.kind, message, observedAt: ctx.clock().toISOString(), ...where, code: c.code };
    // The read's own API is `where.api`; a different failing call (AssumeRole of the role) is named apart.
    if (err instanceof AwsCallError && err.call !== undefined && err.call !== where.api) failure.failedCall = err.call;
    if (err instanceof AwsCallError && err.resource !== undefined) failure.resource = err.resource;
    return failure;
  }
}

/** Thrown inside a read when a response is syntactically fine but lacks what the API promises. */
export class MalformedResponseError extends Error {
  constructor(api: string, what: string) {
    super(`${api}: malformed response: ${what}`);
    this.name = "SyntaxError";
  }
}
