CREATE TABLE "sharing_agreement_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"agreement_id" text NOT NULL,
	"action" text NOT NULL,
	"actor_sub" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_office" text NOT NULL,
	"note" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sharing_agreements" (
	"id" text PRIMARY KEY NOT NULL,
	"requester" text NOT NULL,
	"owner" text NOT NULL,
	"coordinates" text[] NOT NULL,
	"purpose" text NOT NULL,
	"legal_basis" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"ad_hoc_queries" boolean DEFAULT false NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"revoked_by" text,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sharing_operations" (
	"hash" text NOT NULL,
	"agreement_id" text NOT NULL,
	"operation_name" text,
	"document" text NOT NULL,
	"registered_by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sharing_operations_hash_agreement_id_pk" PRIMARY KEY("hash","agreement_id")
);
--> statement-breakpoint
CREATE TABLE "sharing_usage" (
	"agreement_id" text NOT NULL,
	"coordinate" text NOT NULL,
	"caller" text NOT NULL,
	"purpose" text NOT NULL,
	"day" date NOT NULL,
	"reads" bigint NOT NULL,
	CONSTRAINT "sharing_usage_agreement_id_coordinate_caller_purpose_day_pk" PRIMARY KEY("agreement_id","coordinate","caller","purpose","day")
);
--> statement-breakpoint
CREATE INDEX "sharing_agreement_events_agreement_idx" ON "sharing_agreement_events" USING btree ("agreement_id");--> statement-breakpoint
CREATE INDEX "sharing_agreements_owner_idx" ON "sharing_agreements" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "sharing_agreements_requester_idx" ON "sharing_agreements" USING btree ("requester");--> statement-breakpoint
CREATE INDEX "sharing_agreements_status_idx" ON "sharing_agreements" USING btree ("status");