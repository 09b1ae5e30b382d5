package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
)

// Attachment contents live in mail_blobs, once per distinct content, named
// by its SHA-256; every attachment of every mail refers to one. The mails
// of one organiser message to a hundred participants share one blob.
//
// Deleting a blob no attachment refers to races with a transaction that is
// about to refer to it again. Writers therefore lock an existing blob (FOR
// KEY SHARE) before referring to it, and DeleteUnusedBlobs skips locked
// blobs; the foreign key catches whatever slips through the remaining gap.

// storeTries bounds the retries of storeBlob: each one follows another
// transaction committing or deleting the same blob at the same moment.
const storeTries = 5

// CopyBlob stores the content selected by query (one bytea column of one
// row; args are its parameters) as a blob without it passing through the
// app, and returns the SHA-256 to put in Attachment.Blob. The blob is kept
// at least until tx ends.
func CopyBlob(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]byte, error) {
	return storeBlob(ctx, tx, query, args...)
}

// storeBlob stores the content src selects once: an existing blob is
// locked against deletion, a missing one inserted.
func storeBlob(ctx context.Context, tx pgx.Tx, src string, args ...any) ([]byte, error) {
	q := `
		WITH src AS MATERIALIZED (SELECT sha256(c) AS sha256, c FROM (` + src + `) AS s (c)),
		held AS (SELECT b.sha256 FROM mail_blobs b JOIN src ON src.sha256 = b.sha256 FOR KEY SHARE OF b),
		added AS (
		    INSERT INTO mail_blobs (sha256, content)
		    SELECT sha256, c FROM src WHERE NOT EXISTS (SELECT FROM held)
		    ON CONFLICT DO NOTHING
		    RETURNING sha256)
		SELECT sha256, EXISTS (SELECT FROM held) OR EXISTS (SELECT FROM added) FROM src`
	for range storeTries {
		var (
			sum  []byte
			kept bool
		)
		if err := tx.QueryRow(ctx, q, args...).Scan(&sum, &kept); err != nil {
			return nil, fmt.Errorf("mail: store attachment: %w", err)
		}
		// Not kept: another transaction committed the same content after
		// this statement began; the next try finds and locks it.
		if kept {
			return sum, nil
		}
	}
	return nil, errors.New("mail: store attachment: blob kept changing")
}

// maxAttachmentName is how many characters of a file name AttachmentName
// keeps.
const maxAttachmentName = 150

// AttachmentName makes a file name someone uploaded safe to show and to
// send as an attachment's name: it keeps the last path element, without
// control characters, quotes, line separators or bidirectional controls. A
// right-to-left override would otherwise show "rechnung\u202efdp.exe" as
// "rechnungexe.pdf". A name with nothing left becomes "attachment".
func AttachmentName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r),
			unicode.In(r, unicode.Zl, unicode.Zp), r == '"', r == utf8.RuneError:
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxAttachmentName {
		name = strings.TrimSpace(string([]rune(name)[:maxAttachmentName]))
	}
	if name == "" || name == "." || name == ".." {
		return "attachment"
	}
	return name
}

// enqueueSQL writes a mail and its attachments in one statement, for
// Queue. Content not stored yet becomes a blob as storeBlob does it: an
// existing blob is locked against deletion, a missing one inserted. A blob
// another transaction commits while this statement runs is neither held
// nor added; the attachment's foreign key, checked at the end of the
// statement, finds it then and locks it. The blobs are looked up by the
// SHA-256 sums the app computed ($16), so that the lookup is an index scan
// however many blobs there are.
const enqueueSQL = `
	WITH m AS (` + insertMail + ` RETURNING id),
	a AS MATERIALIZED (
	    SELECT * FROM unnest($13::text[], $14::text[], $15::boolean[], $16::bytea[], $17::bytea[])
	         WITH ORDINALITY AS u (filename, content_type, inline, sha256, content, n)),
	held AS (SELECT b.sha256 FROM mail_blobs b WHERE b.sha256 = ANY ($16::bytea[]) FOR KEY SHARE),
	added AS (
	    INSERT INTO mail_blobs (sha256, content)
	    SELECT DISTINCT ON (sha256) sha256, content FROM a
	    WHERE content IS NOT NULL AND sha256 NOT IN (SELECT sha256 FROM held)
	    ON CONFLICT DO NOTHING),
	attached AS (
	    INSERT INTO mail_attachments (mail_id, filename, content_type, blob_sha256, inline)
	    SELECT m.id, a.filename, a.content_type, a.sha256, a.inline FROM m, a ORDER BY a.n)
	SELECT id, pg_notify($12, '') FROM m`

// deleteTries bounds the retries of DeleteUnusedBlobs.
const deleteTries = 3

// DeleteUnusedBlobs deletes the blobs no attachment refers to any more.
// Call it in the transaction that deleted attachments, so their content
// goes with them unless another mail still carries it.
func DeleteUnusedBlobs(ctx context.Context, tx pgx.Tx) error {
	const q = `
		DELETE FROM mail_blobs WHERE sha256 IN (
		    SELECT b.sha256 FROM mail_blobs b
		    WHERE NOT EXISTS (SELECT FROM mail_attachments a WHERE a.blob_sha256 = b.sha256)
		    FOR UPDATE SKIP LOCKED)`
	for range deleteTries {
		// A savepoint, so a blob taken into use again at this moment (the
		// foreign key refuses its deletion) does not fail tx.
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
			_, err := sp.Exec(ctx, q)
			return err
		})
		if !errors.Is(db.Map(err), db.ErrReferenced) {
			if err != nil {
				return fmt.Errorf("mail: delete unused attachments: %w", err)
			}
			return nil
		}
	}
	// Every try met a blob taken into use again; the next call deletes
	// what is left.
	return nil
}
