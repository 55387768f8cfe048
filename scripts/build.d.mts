export function buildMain(options?: { quiet?: boolean }): Promise<void>;
