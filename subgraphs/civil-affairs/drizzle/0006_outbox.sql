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

-- A death recorded (a person loaded with a date of death, or one added to a stored person) is an
-- event for the departments paying the household (SPEC section 10, 动态管理), written in the
-- same transaction as the change: the coordination office drains it (outbox.ts).
CREATE FUNCTION outbox_death() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.death_date IS DISTINCT FROM NEW.death_date THEN
    INSERT INTO outbox (kind, person_id, record_id, event_date) VALUES ('DEATH', NEW.id, NEW.id, NEW.death_date);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER persons_outbox_death AFTER INSERT OR UPDATE OF death_date ON persons
  FOR EACH ROW WHEN (NEW.death_date IS NOT NULL) EXECUTE FUNCTION outbox_death();
