// The experiment spec is part of the contract every process shares (the wizard builds it,
// the CLI reads it, the engine runs it); its definition lives in preload/contract/spec.ts.
export * from '../../preload/contract/spec';
