// Stand-in for the `server-only` package under Vitest (aliased in vitest.config.ts):
// the real one throws when imported outside React Server Components.
export {};
