-- Why an outbound message failed, as a code from a closed vocabulary that the dashboard words in
-- the agent's language (#19). delivery_error keeps the raw detail (SMTP's or Meta's own answer),
-- quoted after the worded reason and never used as the sentence.
alter table messages add column delivery_code text;
update messages set delivery_code = 'other' where delivery_status = 'failed';
