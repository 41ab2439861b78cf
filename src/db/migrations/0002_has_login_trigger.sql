-- members.has_login mirrors "an account exists for this member". A trigger keeps it true for every
-- writer (invite acceptance, admin create, Clear All Usernames and its restore) without each remembering.
CREATE FUNCTION gatehouse_sync_has_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE members SET has_login = true WHERE id = NEW.member_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE members SET has_login = false WHERE id = OLD.member_id;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER accounts_sync_has_login AFTER INSERT OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION gatehouse_sync_has_login();
--> statement-breakpoint
UPDATE members m SET has_login = true WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = m.id);
