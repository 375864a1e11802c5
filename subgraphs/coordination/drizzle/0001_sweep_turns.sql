ALTER TABLE "sweeps" ADD COLUMN "requested_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "sweeps_status_idx" ON "sweeps" USING btree ("status");--> statement-breakpoint
UPDATE "sweeps" SET "requested_at" = "started_at";
