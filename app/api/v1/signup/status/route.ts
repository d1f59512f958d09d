import { readSignupTicket } from "@/app/signup/ticket";
import { problem } from "@/lib/http/problem";
import { progressOf } from "@/lib/tenancy/provisioning-steps";
import { provisioningState, provisioningStatusOf } from "@/lib/tenancy/provisioning";

/**
 * GET /api/v1/signup/status?tenant=<id>&ticket=<signup ticket> — provisioning progress for
 * the signup page. Only the browser that submitted the signup (it holds the ticket) may
 * read it; anything else is a 404, like an unknown tenant.
 */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const tenantId = params.get("tenant") ?? "";
  const ticket = readSignupTicket(params.get("ticket"));
  const state = ticket && ticket.tenantId === tenantId ? await provisioningState(tenantId) : null;
  if (!state) {
    return Response.json(problem(404, "not-found", "No signup in progress for this tenant"), {
      status: 404,
      headers: { "content-type": "application/problem+json" },
    });
  }
  return Response.json(
    {
      tenantId: state.tenantId,
      slug: state.slug,
      status: provisioningStatusOf(state.status),
      steps: progressOf(state.steps),
      failedStep: state.failedStep,
    },
    { headers: { "cache-control": "no-store" } },
  );
}
