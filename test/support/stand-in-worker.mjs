// A stand-in for server.mjs as a worker of server/front.mjs (test/server/front.test.ts):
// listens on 127.0.0.1, reports its port over IPC like the real worker, and answers with
// what it received and which worker it is. /limited answers a 429 like the rate limit;
// /exit ends the process mid-request; /cookies sets two cookies; /slow?ms=N answers after N ms;
// /front-stats answers what lib/platform/front-stats.ts learns from the front (run with tsx).
import { createServer } from "node:http";

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    if (request.url === "/exit") process.exit(3);
    if (request.url === "/front-stats") {
      import("../../lib/platform/front-stats.ts")
        .then(({ frontStats }) => frontStats())
        .then((result) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(result));
        });
      return;
    }
    if (request.url === "/cookies") {
      response.setHeader("set-cookie", ["a=1; HttpOnly", "b=2; HttpOnly"]);
    }
    const slow = /^\/slow\?ms=(\d+)$/.exec(request.url ?? "");
    if (slow) return setTimeout(() => answer(request, response, chunks), Number(slow[1]));
    answer(request, response, chunks);
  });
});

function answer(request, response, chunks) {
  const status = request.url === "/limited" ? 429 : 200;
  if (status === 429) response.setHeader("retry-after", "1");
  response.writeHead(status, { "content-type": "application/json", "x-stand-in": "yes" });
  response.end(
    JSON.stringify({
      worker: Number(process.env.SERVER_WORKER_INDEX),
      pid: process.pid,
      publicPort: process.env.PORT,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      answeredAt: Date.now(),
    }),
  );
}
server.listen(0, "127.0.0.1", () => process.send({ type: "listening", port: server.address().port }));
process.on("disconnect", () => process.exit(0));
