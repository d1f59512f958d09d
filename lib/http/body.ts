import { ValidationError } from "./errors";

const MAX_JSON_BYTES = 1_000_000;

/** Parses a JSON request body; malformed or oversized bodies are a 422 naming the body, not a 500. */
export async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ValidationError([{ field: "(body)", message: "Send the body as application/json" }]);
  }
  const text = await request.text();
  if (text.length > MAX_JSON_BYTES) throw new ValidationError([{ field: "(body)", message: "Body too large" }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: "(body)", message: "Body is not valid JSON" }]);
  }
}
