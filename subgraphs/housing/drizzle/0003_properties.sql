CREATE TABLE "properties" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"kind" text NOT NULL,
	"area_sqm" numeric(12, 2) NOT NULL,
	"acquired_date" date NOT NULL,
	"disposed_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "properties_area_sqm_check" CHECK ("properties"."area_sqm" > 0),
	CONSTRAINT "properties_period_check" CHECK ("properties"."disposed_date" IS NULL OR "properties"."disposed_date" >= "properties"."acquired_date")
);
--> statement-breakpoint
CREATE INDEX "properties_person_id_idx" ON "properties" USING btree ("person_id");