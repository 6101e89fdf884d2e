// The pinned AWS SDK warns once per process on Node < 22 that its releases after January 2027 need
// Node 22 (NodeVersionSupportWarning, @aws-sdk/core emitWarningIfUnsupportedVersion). AWS documents
// this variable as the switch for exactly that warning (https://github.com/aws/aws-sdk-js-v3/issues/7983);
// every other process warning still prints. Child processes the tests spawn inherit it or set it
// themselves (test/e2e/build-cli.ts). An explicit setting by whoever runs the tests still wins.
//
// No cdktf jest matchers here: no test uses them, and loading cdktf in every test file's module
// registry cost ~130 ms of CPU per file. Synth assertions parse Testing.synthScope's JSON instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
