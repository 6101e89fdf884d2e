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
  // Two cores: one worker per core keeps the suite fast without starving the local endpoint tests.
  maxWorkers: 2,
  testTimeout: 20000,
};
