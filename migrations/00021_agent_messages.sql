-- Questions about one conversation's agent messages read only those messages. Without these, each
-- was answered by walking the conversation's (conversation_id, seq) index and reading every message
-- of it from the heap to test author_type: a visitor leaving a conversation of 3,000 unanswered
-- messages read all 3,000 to find "no agent answer yet", and every read receipt from the widget
-- read the whole conversation up to the receipt's seq. Only agents' messages are in these indexes,
-- so the visitors' messages (the chat path's hot insert) do not pay for them.
--
-- The last agent answer, and any answer after a seq (notifications.repo.ts: the timers).
create index messages_agent on messages (conversation_id, seq) where author_type = 'agent';
-- The agent messages the visitor has not yet been shown (messages.repo.ts markDeliveredUpTo). A
-- message leaves it when it is delivered or fails, so a receipt reads only what it changes. (Its
-- predicate makes a status change a non-HOT update; on the table's full, append-only pages most of
-- those were not HOT anyway, and a receipt no longer reads every earlier answer.)
create index messages_undelivered on messages (conversation_id, seq)
  where author_type = 'agent' and delivery_status in ('pending', 'sent');
