CREATE TABLE "operation_usage" (
	"hash" text NOT NULL,
	"client" text NOT NULL,
	"name" text,
	"document" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"reported_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registered_operations" (
	"hash" text NOT NULL,
	"client" text NOT NULL,
	"name" text,
	"document" text NOT NULL,
	"registered_by" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schema_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"version" integer,
	"status" text NOT NULL,
	"sdl" text NOT NULL,
	"url" text NOT NULL,
	"owner" text,
	"signed_by" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"diff" text NOT NULL,
	"check" jsonb NOT NULL,
	"acknowledgement" text,
	"supergraph_id" integer
);
--> statement-breakpoint
CREATE TABLE "supergraphs" (
	"id" serial PRIMARY KEY NOT NULL,
	"sdl" text NOT NULL,
	"hash" text NOT NULL,
	"versions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "operation_usage_hash_client" ON "operation_usage" USING btree ("hash","client");--> statement-breakpoint
CREATE INDEX "operation_usage_last_seen" ON "operation_usage" USING btree ("last_seen");--> statement-breakpoint
CREATE UNIQUE INDEX "registered_operations_hash_client" ON "registered_operations" USING btree ("hash","client");--> statement-breakpoint
CREATE UNIQUE INDEX "schema_versions_service_version" ON "schema_versions" USING btree ("service","version");--> statement-breakpoint
CREATE INDEX "schema_versions_service_id" ON "schema_versions" USING btree ("service","id");