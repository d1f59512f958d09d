import { NotFoundError } from "@/lib/http/errors";
import { problemResponse } from "@/lib/http/problem";
import { listPublicPlans } from "@/lib/platform/plans";

/** GET /api/v1/plans/:id — one public plan; an unknown id is a 404 problem. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    const plan = (await listPublicPlans()).find((p) => p.id === id);
    if (!plan) throw new NotFoundError("Plan");
    return Response.json(plan);
  } catch (error) {
    return problemResponse(error);
  }
}
