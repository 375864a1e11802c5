CREATE TABLE "award_recipients" (
	"department" text NOT NULL,
	"award_id" text NOT NULL,
	"person_id" text NOT NULL,
	"household_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "award_recipients_department_award_id_pk" PRIMARY KEY("department","award_id")
);
--> statement-breakpoint
CREATE INDEX "award_recipients_person_id_idx" ON "award_recipients" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "award_recipients_household_id_idx" ON "award_recipients" USING btree ("household_id");