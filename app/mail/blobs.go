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

// attach stores the attachments of mail id: new content as a blob, and a
// reference to the blob for each, under a name AttachmentName cleaned.
func attach(ctx context.Context, tx pgx.Tx, id int64, atts []Attachment) error {
	names := make([]string, len(atts))
	types := make([]string, len(atts))
	sums := make([][]byte, len(atts))
	inline := make([]bool, len(atts))
	for i, a := range atts {
		names[i], types[i], sums[i], inline[i] = AttachmentName(a.Filename), a.ContentType, a.Blob, a.Inline
		if sums[i] != nil {
			continue
		}
		content := a.Content
		if content == nil {
			content = []byte{} // nil would be NULL
		}
		sum, err := storeBlob(ctx, tx, `SELECT $1::bytea`, content)
		if err != nil {
			return err
		}
		sums[i] = sum
	}
	const q = `
		INSERT INTO mail_attachments (mail_id, filename, content_type, blob_sha256, inline)
		SELECT $1, a.filename, a.content_type, a.sha256, a.inline
		FROM unnest($2::text[], $3::text[], $4::bytea[], $5::boolean[]) WITH ORDINALITY AS a (filename, content_type, sha256, inline, n)
		ORDER BY a.n`
	if _, err := tx.Exec(ctx, q, id, names, types, sums, inline); err != nil {
		return fmt.Errorf("mail: enqueue attachments: %w", err)
	}
	return nil
}

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
