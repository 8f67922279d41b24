-- A tamper-evident audit log: every record carries the hash of the one before it
-- (in the order records were written), so editing or deleting a record breaks the
-- chain that `capliquify audit verify` walks.

ALTER TABLE audit_log
    ADD COLUMN chain_seq bigint UNIQUE,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

-- The content a record's hash covers, in a text form that does not depend on
-- session settings.
CREATE FUNCTION public.audit_record_text(r public.audit_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', r.chain_seq, extract(epoch FROM r.occurred_at)::text, r.actor_kind,
                     coalesce(r.actor_id::text, ''), coalesce(r.tenant_id::text, ''), r.action,
                     coalesce(r.target, ''), coalesce(host(r.ip), ''), r.details::text)
$$;

CREATE FUNCTION public.audit_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last record;
BEGIN
    -- One writer at a time, until commit: the chain follows commit order.
    PERFORM pg_advisory_xact_lock(7262010);
    SELECT chain_seq, hash INTO last FROM public.audit_log
     WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := sha256(NEW.prev_hash || convert_to(public.audit_record_text(NEW), 'UTF8'));
    RETURN NEW;
END $$;

-- Records written before the chain existed join it in id order.
DO $$
DECLARE
    r public.audit_log;
    prev bytea := '\x'::bytea;
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM public.audit_log ORDER BY id LOOP
        n := n + 1;
        r.chain_seq := n;
        UPDATE public.audit_log
           SET chain_seq = n, prev_hash = prev,
               hash = sha256(prev || convert_to(public.audit_record_text(r), 'UTF8'))
         WHERE id = r.id
        RETURNING hash INTO prev;
    END LOOP;
END $$;

CREATE TRIGGER audit_chain BEFORE INSERT ON public.audit_log
    FOR EACH ROW EXECUTE FUNCTION public.audit_chain();
