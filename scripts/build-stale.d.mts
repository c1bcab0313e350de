// Types of build-stale.mjs, for test/global-setup.ts and its test.
export function staleTypeScript(root?: string): string | undefined;
export function builtAddon(root?: string): string | undefined;
export function staleAddon(root?: string): string | undefined;
export function buildStale(root?: string, log?: (line: string) => void): void;
