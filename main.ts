/** Synthesizes the guardrail stacks (placeholder until the modules land). */
console.log("cis-guardrails: modules are being built; nothing to synthesize yet.");
