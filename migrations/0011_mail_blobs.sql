-- +migrate Up
-- Attachment contents are stored once, named by their SHA-256, however many
-- mails carry them: an organiser's 10 MB file to a hundred participants
-- takes 10 MB, not 1 GB. A blob no attachment refers to any more is
-- deleted by the transaction that removed the last reference.
CREATE TABLE mail_blobs (
    sha256  bytea PRIMARY KEY CHECK (octet_length(sha256) = 32),
    content bytea NOT NULL
);

INSERT INTO mail_blobs (sha256, content)
SELECT sha256(content), content FROM mail_attachments ORDER BY id
ON CONFLICT DO NOTHING;

-- No ON DELETE action: a blob cannot disappear while a mail refers to it.
ALTER TABLE mail_attachments ADD COLUMN blob_sha256 bytea REFERENCES mail_blobs (sha256);
UPDATE mail_attachments SET blob_sha256 = sha256(content);
ALTER TABLE mail_attachments ALTER COLUMN blob_sha256 SET NOT NULL, DROP COLUMN content;
CREATE INDEX mail_attachments_blob_idx ON mail_attachments (blob_sha256);

-- +migrate Down
ALTER TABLE mail_attachments ADD COLUMN content bytea;
UPDATE mail_attachments a SET content = b.content FROM mail_blobs b WHERE b.sha256 = a.blob_sha256;
ALTER TABLE mail_attachments ALTER COLUMN content SET NOT NULL, DROP COLUMN blob_sha256;
DROP TABLE mail_blobs;
