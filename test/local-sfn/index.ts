/**
 * Running the service's state machines locally: the Amazon States Language validator (asl-validator) and a
 * Step Functions interpreter (aws-local-stepfunctions) whose Task states are bound to the real handler, which
 * runs against the local endpoint.
 *
 * What the interpreter lacks, and what stands in for it:
 * - Distributed Map's ItemReader and ItemBatcher (it runs inline Maps over an array in the state). The sweep's
 *   Map is run as an inline Map over the batches a `ReadItems` Task state cuts: it reads the item list with S3
 *   GetObject through the SDK from the bucket and key the ItemReader names (ItemReader `s3:getObject`, InputType
 *   JSON: the object is a JSON array of items), and cuts it as ItemBatcher does: consecutive items, at most
 *   MaxItemsPerBatch each, every child's input `{"BatchInput": <BatchInput evaluated on the Map's input>,
 *   "Items": [...]}` (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html). The
 *   child workflow (ItemProcessor), MaxConcurrency, ResultPath and Catch are the definition's own; an inline Map
 *   fails on its first failed child, which is what ToleratedFailurePercentage 0 means for a Distributed Map
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
 * - Shared by the state machine tests (test/service) and the service benchmark (bench/service.bench.ts), which
 *   counts the transitions Step Functions would bill from the same runs (`counts()`).
 * - Node 20 lacks Promise.withResolvers (Node 22), which the interpreter uses for Task timeouts: defined here
 *   with the standard's semantics when missing.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ServiceHandler } from "../../gates/service";

type Json = Record<string, unknown>;

/** The part of aws-local-stepfunctions used here (an ES module package: loaded with require's CommonJS build). */
interface LocalStateMachine {
  run(
    input: unknown,
    options: {
      overrides: { taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>>; waitTimeOverrides: Record<string, number> };
      context: Json;
    },
  ): { result: Promise<unknown>; eventLogs: AsyncIterable<{ type: string; index?: number }> };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require("aws-local-stepfunctions") as { StateMachine: new (definition: Json, options: { validationOptions: { noValidate: boolean } }) => LocalStateMachine };

if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: unknown[] };

/** The validator adds defaults to the definition it is given: it gets a copy. */
export function validateAsl(definition: Json): { isValid: boolean; errors: unknown[] } {
  const { isValid, errors } = aslValidator(structuredClone(definition));
  return { isValid, errors };
}

/** `$.a.b` of a simple JSONPath against a value (the paths the definitions use). */
function at(path: string, value: unknown): unknown {
  return path.replace(/^\$\.?/, "").split(".").filter((k) => k !== "").reduce<unknown>((o, k) => (o as Json | undefined)?.[k], value);
}

function evaluateTemplate(template: Json, input: unknown): Json {
  return Object.fromEntries(Object.entries(template).map(([k, v]) => (k.endsWith(".$") ? [k.slice(0, -2), at(v as string, input)] : [k, v])));
}

export interface DistributedMapSubstitute {
  definition: Json;
  /** The `ReadItems` Task's local handler (ItemReader + ItemBatcher). */
  readItems: (input: unknown) => Promise<unknown>;
}

/** The sweep definition with its Distributed Map run as an inline Map over ItemBatcher's batches (see above). */
export function substituteDistributedMap(definition: Json, mapState: string, s3: S3Client): DistributedMapSubstitute {
  const copy = structuredClone(definition) as { States: Record<string, Json> };
  const map = copy.States[mapState]!;
  const reader = map["ItemReader"] as { Parameters: Json; ReaderConfig: { InputType: string } };
  const batcher = map["ItemBatcher"] as { MaxItemsPerBatch: number; BatchInput: Json };
  if (reader.ReaderConfig.InputType !== "JSON") throw new Error("only the JSON item reader is substituted");
  const processor = map["ItemProcessor"] as Json;
  const { ItemReader: _reader, ItemBatcher: _batcher, ToleratedFailurePercentage: _tolerated, Label: _label, ...inline } = map;
  const { ProcessorConfig: _config, ...states } = processor;
  copy.States[mapState] = { ...inline, ItemsPath: "$.__batches", ItemProcessor: states };
  // ReadItems runs in the Map's place and hands it the original input plus the batches.
  copy.States["ReadItems"] = { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:ItemReaderAndBatcher", Next: mapState };
  for (const state of Object.values(copy.States)) if (state["Next"] === mapState && state !== copy.States["ReadItems"]) state["Next"] = "ReadItems";
  const readItems = async (input: unknown): Promise<unknown> => {
    const { Bucket, Key } = evaluateTemplate(reader.Parameters, input) as { Bucket: string; Key: string };
    const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
    const items = JSON.parse((await out.Body?.transformToString("utf8")) ?? "null") as unknown;
    if (!Array.isArray(items)) throw Object.assign(new Error(`s3://${Bucket}/${Key} is not a JSON array`), { name: "States.ItemReaderFailed" });
    const batchInput = evaluateTemplate(batcher.BatchInput, input);
    const batches: Json[] = [];
    for (let i = 0; i < items.length; i += batcher.MaxItemsPerBatch) batches.push({ BatchInput: batchInput, Items: items.slice(i, i + batcher.MaxItemsPerBatch) });
    return { ...(input as Json), __batches: batches };
  };
  return { definition: copy, readItems };
}

export interface LocalRun {
  /** Resolves with the execution's output, or rejects with the interpreter's ExecutionError (cause: the Fail state's error). */
  result: Promise<unknown>;
  /** Task state names in the order they ran. */
  tasks: string[];
  /** State transitions (every state entered, child workflows' included). */
  transitions(): number;
  /** The same, split as a Distributed Map is billed (see TransitionCounts). */
  counts(): TransitionCounts;
}

/**
 * States entered, from the interpreter's event log. An inline Map's iterations are the Distributed Map's child
 * executions here: states entered inside an iteration carry its index, each iteration starts with MapIterationStarted.
 */
export interface TransitionCounts {
  /** States entered by the execution itself (the substitute's ReadItems included: subtract it). */
  parentStates: number;
  /** States entered inside the Map's iterations, i.e. by the child executions. */
  childStates: number;
  /** Map iterations started: one child execution each. */
  childExecutions: number;
  /** Retries (StateRetried), which Step Functions bills as transitions too. */
  retries: number;
}

/** Runs a definition with every Task state bound to the handler (the state's Parameters are its event). */
export function runLocally(definition: Json, input: unknown, handler: ServiceHandler, opts: { executionName: string; waits?: Record<string, number>; extraTasks?: Record<string, (input: unknown) => Promise<unknown>> }): LocalRun {
  const tasks: string[] = [];
  const taskNames = new Set<string>();
  const collect = (states: Record<string, Json>): void => {
    for (const [name, state] of Object.entries(states)) {
      if (state["Type"] === "Task") taskNames.add(name);
      const processor = (state["ItemProcessor"] ?? state["Iterator"]) as { States?: Record<string, Json> } | undefined;
      if (processor?.States !== undefined) collect(processor.States);
    }
  };
  collect(definition["States"] as Record<string, Json>);
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of taskNames) {
    handlers[name] = async (event: unknown) => {
      tasks.push(name);
      return (opts.extraTasks?.[name] ?? handler)(event);
    };
  }
  // Not validated again here: the interpreter would run asl-validator, which compiles its schemas on every call
  // (~150 ms); each definition these runs use is validated once by its test with validateAsl.
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const startTime = new Date().toISOString();
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: opts.waits ?? {} },
    context: { Execution: { Id: `arn:aws:states:us-east-1:111111111111:execution:local:${opts.executionName}`, Name: opts.executionName, Input: input, StartTime: startTime } },
  });
  const counts: TransitionCounts = { parentStates: 0, childStates: 0, childExecutions: 0, retries: 0 };
  const counting = (async () => {
    for await (const event of execution.eventLogs as AsyncIterable<{ type: string; index?: number }>) {
      if (event.type === "StateEntered") {
        if (event.index === undefined) counts.parentStates++;
        else counts.childStates++;
      } else if (event.type === "MapIterationStarted") counts.childExecutions++;
      else if (event.type === "StateRetried") counts.retries++;
    }
  })();
  return {
    result: execution.result.finally(() => counting),
    tasks,
    transitions: () => counts.parentStates + counts.childStates,
    counts: () => ({ ...counts }),
  };
}
