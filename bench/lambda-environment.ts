/**
 * A stand-in for one Lambda execution environment, for bench/service.bench.ts: a fresh Node.js process that loads
 * the function's module (the init phase: what a cold start pays before the first invocation) and then runs one
 * invocation at a time when asked, reporting each one's wall time (what Lambda bills as duration).
 *
 *   parent                                    this process (`node lambda-environment.js <module>`)
 *                                     <-----  { initMs, moduleBytes }        after require(<module>)
 *   { event }                         ----->  handler(event)
 *                                     <-----  { wallMs, result } | { wallMs, error }
 */
import { fork, type ChildProcess } from "node:child_process";

export interface InitReport {
  /** require() of the module, in this process: Lambda's init phase for it. */
  initMs: number;
  /** From the fork to the module loaded (Node.js start-up included). */
  startMs: number;
}

export interface InvocationReport {
  wallMs: number;
  result?: unknown;
  error?: string;
}

export interface LambdaEnvironment {
  init: InitReport;
  invoke(event: unknown): Promise<InvocationReport>;
  close(): void;
}

/** Starts an environment running `modulePath`'s `handler` with `env` as its environment variables. */
export function startLambdaEnvironment(modulePath: string, env: NodeJS.ProcessEnv): Promise<LambdaEnvironment> {
  const forked = performance.now();
  const child: ChildProcess = fork(__filename, [modulePath], { env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the environment for ${modulePath} exited (${code}) before loading it`)));
    child.once("message", (m: unknown) => {
      child.removeAllListeners("exit");
      const init = { ...(m as { initMs: number }), startMs: performance.now() - forked };
      resolve({
        init,
        invoke: (event) =>
          new Promise((done) => {
            child.once("message", (r: unknown) => done(r as InvocationReport));
            child.send({ event });
          }),
        close: () => child.kill(),
      });
    });
  });
}

async function serve(modulePath: string): Promise<void> {
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as { handler: (event: unknown) => Promise<unknown> };
  process.send?.({ initMs: performance.now() - started });
  process.on("message", (m: unknown) => {
    const { event } = m as { event: unknown };
    const t = performance.now();
    mod.handler(event).then(
      (result) => process.send?.({ wallMs: performance.now() - t, result }),
      (err: unknown) => process.send?.({ wallMs: performance.now() - t, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}

if (require.main === module) {
  serve(process.argv[2]!).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
