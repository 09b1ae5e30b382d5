-- +migrate Up
-- Which client enqueued a mail (its application_name). A worker may be told
-- to deliver only its own origin's mails, so that several apps sharing one
-- database (the tests of one package) never deliver each other's mail.
ALTER TABLE mail_outbox ADD COLUMN origin text NOT NULL DEFAULT current_setting('application_name');

-- +migrate Down
ALTER TABLE mail_outbox DROP COLUMN origin;
