// cdktf's jest matchers (toHaveResourceWithProperties, ...) for synth assertions.
const { Testing } = require("cdktf");
Testing.setupJest();
