/** GET /api/health — liveness for load balancers; touches no database. */
export function GET(): Response {
  return Response.json({ status: "ok" });
}
