CREATE TABLE "data_versions" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"token" uuid DEFAULT gen_random_uuid() NOT NULL,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL
);
