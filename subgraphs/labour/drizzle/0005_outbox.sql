CREATE TABLE "outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"person_id" text NOT NULL,
	"record_id" text NOT NULL,
	"event_date" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "outbox_waiting_idx" ON "outbox" USING btree ("seq") WHERE delivered_at IS NULL;--> statement-breakpoint

-- A new income record is an event for the departments paying the person's household (SPEC
-- section 10, 动态管理), written in the same transaction: the coordination office drains it.
CREATE FUNCTION outbox_income() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outbox (kind, person_id, record_id, event_date) VALUES ('INCOME', NEW.person_id, NEW.id, NEW.start_date);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incomes_outbox AFTER INSERT ON incomes FOR EACH ROW EXECUTE FUNCTION outbox_income();
