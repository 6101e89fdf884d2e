/** The CLI's only contact with the process: streams and environment (injectable for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: --wait shows a progress line that rewrites itself. */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Ctrl-C: calls `handler` on every interrupt until the returned function is called. Absent: the
   * process's SIGINT (onProcessInterrupt). A caller running the CLI inside a longer-lived process
   * (the test suite) passes its own, so the CLI does not take over that process's SIGINT.
   */
  onInterrupt?: (handler: () => void) => () => void;
}

export function onProcessInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGINT", handler);
  };
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: onProcessInterrupt,
  };
}

/** Exit 2: the arguments, config or exceptions register are wrong; nothing was sent. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
