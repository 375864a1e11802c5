ALTER TABLE "sharing_agreement_events" ADD COLUMN "actor_region" text;--> statement-breakpoint
ALTER TABLE "sharing_agreement_events" ADD COLUMN "purpose" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing_agreement_events" ADD COLUMN "request_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing_agreement_events" ADD COLUMN "audited_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sharing_agreement_events_unaudited_idx" ON "sharing_agreement_events" USING btree ("seq") WHERE audited_at IS NULL;--> statement-breakpoint
-- The shipped defaults' seeding is not a change anyone made: not relayed to the access log.
UPDATE "sharing_agreement_events" SET "audited_at" = "at", "request_id" = 'seed' WHERE "actor_role" = 'SYSTEM';
