import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Redis } from "ioredis";
import { RedisCommandRunner, type CommandReply, type RedisCommand } from "@/lib/rate-limit/redis";

/**
 * A local server speaking Upstash's Redis REST protocol in front of a real redis-server,
 * so @upstash/redis and @upstash/ratelimit run unchanged in tests (no npm package serves
 * that protocol). Supported: POST / with one command as a JSON array, POST /pipeline and
 * POST /multi-exec with a list of commands; `Authorization: Bearer <token>` is required;
 * with `Upstash-Encoding: base64` string results are base64 encoded, as Upstash does.
 * Command errors answer 400 `{ error }` (a pipeline carries them per command). Lua
 * scripts lose their `#!lua flags=…` line, which Redis 7.0 rejects (RedisCommandRunner).
 */
export interface UpstashBridge {
  url: string;
  token: string;
  /** Requests served, by path ("/", "/pipeline", "/multi-exec"). */
  requests: Map<string, number>;
  close(): Promise<void>;
}

function encode(value: unknown): unknown {
  if (typeof value === "string") return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(encode);
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startUpstashBridge(redisUrl: string, token = "bridge-token"): Promise<UpstashBridge> {
  const client = new Redis(redisUrl);
  const runner = new RedisCommandRunner(client);
  const requests = new Map<string, number>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
      requests.set(path, (requests.get(path) ?? 0) + 1);
      res.setHeader("content-type", "application/json");
      if (req.method !== "POST") {
        res.statusCode = 405;
        return res.end(JSON.stringify({ error: "POST only" }));
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: "Unauthorized" }));
      }
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      const wire = (reply: CommandReply) =>
        reply.error ? { error: reply.error } : { result: base64 ? encode(reply.result) : reply.result };
      try {
        const body: unknown = JSON.parse(await readBody(req));
        if (path === "/pipeline" || path === "/multi-exec") {
          if (!Array.isArray(body) || !body.every(Array.isArray)) throw new Error("expected a list of commands");
          const commands = body as RedisCommand[];
          const replies = path === "/pipeline" ? await runner.pipeline(commands) : await runner.multiExec(commands);
          return res.end(JSON.stringify(replies.map(wire)));
        }
        if (path !== "/") {
          res.statusCode = 404;
          return res.end(JSON.stringify({ error: `unknown path ${path}` }));
        }
        if (!Array.isArray(body)) throw new Error("expected a command array");
        const reply = await runner.run(body as RedisCommand);
        if (reply.error) res.statusCode = 400;
        res.end(JSON.stringify(wire(reply)));
      } catch (error) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      client.disconnect();
    },
  };
}
