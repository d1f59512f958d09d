import { checkSlug } from "@/lib/tenancy/provisioning";

/** GET /api/v1/signup/slug?slug= — the signup form's live check: format, reserved names, availability. */
export async function GET(request: Request): Promise<Response> {
  const slug = new URL(request.url).searchParams.get("slug") ?? "";
  const result = await checkSlug(slug.slice(0, 100));
  return Response.json(result, { headers: { "cache-control": "no-store" } });
}
