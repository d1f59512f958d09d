import { z } from "zod";
import { WEBHOOK_EVENTS } from "./events";

const events = z
  .array(z.enum(WEBHOOK_EVENTS, { message: `One of: ${WEBHOOK_EVENTS.join(", ")}` }))
  .min(1, "Choose at least one event")
  .transform((list) => [...new Set(list)].sort());

const description = z.string().trim().max(200, "At most 200 characters").nullable().optional();

/** The URL is checked apart (targets.ts), against the deployment's target policy. */
export const webhookCreateSchema = z.object({
  url: z.unknown(),
  description,
  events,
});

export const webhookUpdateSchema = z
  .object({
    url: z.unknown().optional(),
    description,
    events: events.optional(),
    enabled: z.boolean({ message: "true or false" }).optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), {
    message: "Nothing to change: give url, description, events or enabled",
    path: ["body"],
  });

export type WebhookCreateInput = z.input<typeof webhookCreateSchema>;
export type WebhookUpdateInput = z.input<typeof webhookUpdateSchema>;
