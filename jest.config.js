/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/package packs and installs the package like a pipeline does (tens of seconds of npm):
  // `npm run test:package`, its own step in .ci/run, keeps `npm test` under a minute.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/package/"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.js"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  // Two cores, three workers: about a third of the suite's file time is waiting (call timeouts, retry
  // backoff, deadlines, child processes), and a third worker runs another file meanwhile. Measured on
  // this machine, npm test: 33-42 s with 3 workers against 44-48 s with 2; green with a second copy of
  // the suite running alongside (6 workers on 2 cores), so the timing tests keep their headroom.
  maxWorkers: 3,
  testTimeout: 20000,
};
