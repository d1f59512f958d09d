import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { databaseConfig } from "@/lib/db/config";

/**
 * The key that signs and encrypts session JWTs. Operators set AUTH_SECRET. In embedded
 * mode without it, a random secret is created once in the data directory so
 * `npm start` works with no settings and sessions survive restarts. A server deployment
 * without AUTH_SECRET refuses to start rather than run with a guessable key.
 */
export function authSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const config = databaseConfig(env);
  if (config.mode === "server") {
    throw new Error("AUTH_SECRET must be set when DATABASE_URL is set (generate one with `openssl rand -base64 33`)");
  }
  const file = join(/*turbopackIgnore: true*/ config.dataDir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(33).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  const secret = readFileSync(file, "utf8").trim();
  env.AUTH_SECRET = secret;
  return secret;
}
