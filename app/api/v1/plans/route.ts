import { problemResponse } from "@/lib/http/problem";
import { listPublicPlans } from "@/lib/platform/plans";

/** GET /api/v1/plans — the public plan catalogue (no sign-in needed). */
export async function GET(): Promise<Response> {
  try {
    return Response.json({ data: await listPublicPlans() });
  } catch (error) {
    return problemResponse(error);
  }
}
