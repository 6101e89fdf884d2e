export * from "./schema";
export * from "./validate";
export * from "./regions";
export { EXAMPLE_CONFIG } from "./example";
