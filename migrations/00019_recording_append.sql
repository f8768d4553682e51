-- Recordings (#14): one chunk is appended in one statement. The ingest used to run a transaction
-- of six round trips (begin, make the recording, lock it, insert the chunk, add it to the
-- recording's totals, commit); on the server those cost more CPU than checking the chunk itself.
-- This function does the same steps in the same order under the same row lock, and answers what
-- happened; the caller turns the answer into the HTTP status (recordings.usecases.ts) and passes
-- the size limit, which stays a rule of the application (recordings.rules.ts).
--   stored      the chunk was added (bytes: its stored size)
--   duplicate   this seq was stored before: nothing changed (bytes: the stored size)
--   not_found   the recording belongs to another visitor, or was deleted meanwhile
--   finalized   the recording is finished
--   full        the chunk would take the recording past p_max_bytes
create function append_recording_chunk(
  p_recording uuid, p_visitor uuid, p_seq integer, p_first_at timestamptz, p_last_at timestamptz,
  p_events integer, p_pages integer, p_data bytea, p_max_bytes bigint
) returns table (outcome text, bytes integer)
language plpgsql as $$
declare
  rec recordings%rowtype;
  existing integer;
begin
  insert into recordings (id, visitor_id, started_at, ended_at) values (p_recording, p_visitor, p_first_at, p_first_at)
    on conflict (id) do nothing;
  select * into rec from recordings r where r.id = p_recording for update;
  if not found or rec.visitor_id <> p_visitor then
    return query select 'not_found'::text, 0;
    return;
  end if;
  select octet_length(c.data) into existing from recording_chunks c where c.recording_id = p_recording and c.seq = p_seq;
  if found then
    return query select 'duplicate'::text, existing;
    return;
  end if;
  if rec.finalized_at is not null then
    return query select 'finalized'::text, 0;
    return;
  end if;
  if rec.bytes + octet_length(p_data) > p_max_bytes then
    return query select 'full'::text, 0;
    return;
  end if;
  insert into recording_chunks (recording_id, seq, first_at, last_at, events, data)
    values (p_recording, p_seq, p_first_at, p_last_at, p_events, p_data);
  update recordings r set
    started_at = least(r.started_at, p_first_at), ended_at = greatest(r.ended_at, p_last_at),
    pages = r.pages + p_pages, chunks = r.chunks + 1, events = r.events + p_events,
    bytes = r.bytes + octet_length(p_data), last_chunk_at = now()
  where r.id = p_recording;
  return query select 'stored'::text, octet_length(p_data);
end
$$;
