CREATE TABLE "access_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"sub" text NOT NULL,
	"role" text NOT NULL,
	"region" text,
	"department" text,
	"purpose" text NOT NULL,
	"operation" text NOT NULL,
	"subject_ids" text[] NOT NULL,
	"request_id" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access_log_head" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "access_log_head_single_row" CHECK ("access_log_head"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "access_log_subject_ids_idx" ON "access_log" USING gin ("subject_ids");