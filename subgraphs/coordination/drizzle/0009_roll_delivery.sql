ALTER TABLE "payment_rolls" ADD COLUMN "reconciled_caller" jsonb;--> statement-breakpoint
ALTER TABLE "payment_rolls" ADD COLUMN "reconciled_purpose" text;--> statement-breakpoint
ALTER TABLE "payment_rolls" ADD COLUMN "payments_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_rolls" ADD COLUMN "delivery_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_rolls" ADD COLUMN "delivery_error" text;--> statement-breakpoint
-- Rolls reconciled before deliveries were recorded: the department recorded their lines before the reconciliation committed.
UPDATE "payment_rolls" SET "payments_recorded_at" = "reconciled_at" WHERE "status" = 'RECONCILED';
