import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    "lib/generated/**",
    ".data/**",
    "test-results/**",
    "playwright-report/**",
  ]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Raw SQL with interpolated strings is how cross-tenant leaks and injections happen.
      "no-restricted-properties": [
        "error",
        { property: "$queryRawUnsafe", message: "Use $queryRaw with a tagged template." },
        { property: "$executeRawUnsafe", message: "Use $executeRaw with a tagged template." },
      ],
    },
  },
  {
    // The unscoped tenant-plane client sees every tenant's rows: only lib/tenancy/ may hold it.
    files: ["**/*.{ts,tsx,mts,js,mjs}"],
    ignores: ["lib/tenancy/**", "test/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/lib/tenancy/tenant-client",
                "**/tenancy/tenant-client",
                "@/lib/generated/tenant/*",
                "**/generated/tenant/*",
              ],
              message: "Tenant data is reached through the tenant context's scoped client, not the unscoped one.",
            },
          ],
        },
      ],
    },
  },
]);
