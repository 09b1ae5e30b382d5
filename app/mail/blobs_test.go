package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/migrations"
)

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// blob is what mail_blobs holds for content: how many rows and bytes.
func blob(t *testing.T, pool *pgxpool.Pool, content []byte) (rows, size int) {
	t.Helper()
	sum := sha256.Sum256(content)
	err := pool.QueryRow(context.Background(),
		`SELECT count(*), coalesce(sum(octet_length(content)), 0) FROM mail_blobs WHERE sha256 = $1`, sum[:]).Scan(&rows, &size)
	if err != nil {
		t.Fatal(err)
	}
	return rows, size
}

func withAttachments(addr string, atts ...mail.Attachment) mail.Message {
	m := simple(addr, "Unterlagen")
	m.Attachments = atts
	return m
}

// The same file in many mails, enqueued in one transaction or in several,
// is stored once and still arrives with every mail under its own name.
func TestAttachmentContentIsStoredOnce(t *testing.T) {
	app := apptest.Start(t)
	shared, other := randomBytes(t, 200<<10), []byte("name;email\n")
	var addrs []string
	var msgs []mail.Message
	for i := range 5 {
		addr := unique(t, "teilnehmer")
		addrs = append(addrs, addr)
		msgs = append(msgs, withAttachments(addr,
			mail.Attachment{Filename: "plan-" + string(rune('a'+i)) + ".pdf", ContentType: "application/pdf", Content: shared},
			mail.Attachment{Filename: "liste.csv", ContentType: "text/csv", Content: other}))
	}
	enqueue(t, app, msgs[:3]...)
	enqueue(t, app, msgs[3:]...)

	if rows, size := blob(t, app.Pool, shared); rows != 1 || size != len(shared) {
		t.Errorf("the shared file is stored %d times with %d bytes, want once with %d", rows, size, len(shared))
	}
	if rows, _ := blob(t, app.Pool, other); rows != 1 {
		t.Errorf("the second file is stored %d times, want once", rows)
	}
	for i, addr := range addrs {
		m := app.SMTP.WaitTo(t, addr, 1, 5*time.Second)[0]
		if len(m.Attachments) != 2 {
			t.Fatalf("mail to %s has %d attachments, want 2", addr, len(m.Attachments))
		}
		a, b := m.Attachments[0], m.Attachments[1]
		if a.Filename != "plan-"+string(rune('a'+i))+".pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Content, shared) {
			t.Errorf("mail to %s: first attachment %q (%s, %d bytes)", addr, a.Filename, a.ContentType, len(a.Content))
		}
		if b.Filename != "liste.csv" || b.ContentType != "text/csv" || !bytes.Equal(b.Content, other) {
			t.Errorf("mail to %s: second attachment %q (%s, %q)", addr, b.Filename, b.ContentType, b.Content)
		}
	}
}

// Content goes when the last attachment carrying it goes, and not before;
// content a transaction is taking into use right now is left alone,
// without waiting for that transaction.
func TestDeleteUnusedBlobs(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	shared, alone, reused, orphan := randomBytes(t, 1000), randomBytes(t, 1000), randomBytes(t, 1000), randomBytes(t, 1000)
	att := func(content []byte) mail.Attachment {
		return mail.Attachment{Filename: "f.bin", ContentType: "application/octet-stream", Content: content}
	}
	ids := enqueue(t, app,
		withAttachments(unique(t, "eins"), att(shared)),
		withAttachments(unique(t, "zwei"), att(shared)),
		withAttachments(unique(t, "drei"), att(alone)),
		withAttachments(unique(t, "vier"), att(reused), att(orphan)))
	deleteAttachments := func(tx pgx.Tx, ids ...int64) {
		t.Helper()
		if _, err := tx.Exec(ctx, `DELETE FROM mail_attachments WHERE mail_id = ANY($1)`, ids); err != nil {
			t.Fatal(err)
		}
	}
	inTx := func(f func(tx pgx.Tx) error) {
		t.Helper()
		if err := pgx.BeginFunc(ctx, app.Pool, f); err != nil {
			t.Fatal(err)
		}
	}

	inTx(func(tx pgx.Tx) error {
		deleteAttachments(tx, ids[0])
		return mail.DeleteUnusedBlobs(ctx, tx)
	})
	if rows, _ := blob(t, app.Pool, shared); rows != 1 {
		t.Errorf("content another mail still carries was deleted")
	}
	inTx(func(tx pgx.Tx) error {
		deleteAttachments(tx, ids[1], ids[2])
		return mail.DeleteUnusedBlobs(ctx, tx)
	})
	for name, content := range map[string][]byte{"shared": shared, "alone": alone} {
		if rows, _ := blob(t, app.Pool, content); rows != 0 {
			t.Errorf("%s content is kept after its last attachment was deleted", name)
		}
	}

	// Mail four's contents lose their attachment without a cleanup; then
	// one is stored again by a transaction that refers to it only after
	// another cleaned up.
	inTx(func(tx pgx.Tx) error { deleteAttachments(tx, ids[3]); return nil })
	using, err := app.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer using.Rollback(ctx)
	sum, err := mail.CopyBlob(ctx, using, `SELECT $1::bytea`, reused)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(reused); !bytes.Equal(sum, want[:]) {
		t.Fatalf("CopyBlob returned %x, want the SHA-256 %x", sum, want)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pgx.BeginFunc(waitCtx, app.Pool, func(tx pgx.Tx) error { return mail.DeleteUnusedBlobs(waitCtx, tx) }); err != nil {
		t.Fatalf("cleanup beside a transaction using a blob: %v", err)
	}
	again, err := mail.Enqueue(ctx, using, withAttachments(unique(t, "fuenf"),
		mail.Attachment{Filename: "f.bin", ContentType: "application/octet-stream", Blob: sum}))
	if err != nil {
		t.Fatalf("referring to content stored before the cleanup: %v", err)
	}
	if err := using.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if rows, _ := blob(t, app.Pool, orphan); rows != 0 {
		t.Errorf("content no mail carries is kept")
	}
	if rows, _ := blob(t, app.Pool, reused); rows != 1 {
		t.Fatalf("content taken into use again was deleted")
	}
	var n int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_attachments WHERE mail_id = $1`, again).Scan(&n); err != nil || n != 1 {
		t.Errorf("mail enqueued beside the cleanup has %d attachments (%v), want 1", n, err)
	}
}

// migrationSection is the Up or Down part of a migration file.
func migrationSection(t *testing.T, file, direction string) string {
	t.Helper()
	b, err := fs.ReadFile(migrations.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "-- +migrate "+direction+"\n")
	if !ok {
		t.Fatalf("%s has no %s section", file, direction)
	}
	section, _, _ := strings.Cut(rest, "-- +migrate ")
	return section
}

// Existing attachments move into blobs, one per content, and back on the
// way down. The test runs in a transaction it rolls back, so the package's
// database keeps its schema.
func TestMailBlobsMigration(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	const file = "0011_mail_blobs.sql"
	tx, err := app.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	contents := func() []string {
		t.Helper()
		rows, err := tx.Query(ctx, `
			SELECT a.filename || '=' || encode(b.content, 'escape')
			FROM mail_attachments a JOIN mail_blobs b ON b.sha256 = a.blob_sha256 ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// Only this test's attachments.
	exec(`DELETE FROM mail_attachments`)
	exec(`DELETE FROM mail_blobs`)

	exec(migrationSection(t, file, "Down"))
	var mailID int64
	if err := tx.QueryRow(ctx, `INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status)
		VALUES ('test', '{a@example.org}', 'Alt', 'Alt', 'sent') RETURNING id`).Scan(&mailID); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO mail_attachments (mail_id, filename, content_type, content)
		VALUES ($1, 'a.txt', 'text/plain', 'gleich'), ($1, 'b.txt', 'text/plain', 'anders'), ($1, 'c.txt', 'text/plain', 'gleich')`, mailID)

	exec(migrationSection(t, file, "Up"))
	want := []string{"a.txt=gleich", "b.txt=anders", "c.txt=gleich"}
	if got := contents(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Up attachments are %q, want %q", got, want)
	}
	var blobs int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM mail_blobs`).Scan(&blobs); err != nil || blobs != 2 {
		t.Errorf("%d blobs (%v), want 2", blobs, err)
	}

	exec(migrationSection(t, file, "Down"))
	rows, err := tx.Query(ctx, `SELECT filename || '=' || encode(content, 'escape') FROM mail_attachments ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Down attachments are %q, want %q", got, want)
	}
	exec(migrationSection(t, file, "Up"))
	if got := contents(); len(got) != 3 {
		t.Errorf("after Up again %d attachments, want 3", len(got))
	}
}

func TestAttachmentName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Zeitplan.pdf", "Zeitplan.pdf"},
		{"letters of any script", "Zeitplan für März – 日程.pdf", "Zeitplan für März – 日程.pdf"},
		{"right-to-left override", "rechnung\u202efdp.exe", "rechnungfdp.exe"},
		{"every bidirectional control",
			"a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j\u200ek\u200fl\u061cm.txt", "abcdefghijklm.txt"},
		{"control characters", "a\x00b\tc\x1bd\x7fe\u0085f.txt", "abcdef.txt"},
		{"line breaks and separators", "a\r\nb\u2028c\u2029d.txt", "abcd.txt"},
		{"quotes", `"plan".pdf`, "plan.pdf"},
		{"invalid UTF-8", "pl\xffan.pdf", "plan.pdf"},
		{"Windows path", `C:\Users\lea\daten.bin`, "daten.bin"},
		{"Unix path", "/home/lea/../daten.bin", "daten.bin"},
		{"spaces around", "  plan.pdf \u00a0", "plan.pdf"},
		{"nothing left", "\u202e\u200f", "attachment"},
		{"empty", "", "attachment"},
		{"dot", ".", "attachment"},
		{"dot dot", "dir/..", "attachment"},
		{"too long", strings.Repeat("ä", 200) + ".pdf", strings.Repeat("ä", 150)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mail.AttachmentName(tt.in); got != tt.want {
				t.Errorf("AttachmentName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := mail.AttachmentName(tt.want); again != tt.want {
				t.Errorf("AttachmentName(%q) = %q, want it kept", tt.want, again)
			}
		})
	}
}

// Whoever enqueues an attachment, its name is stored and mailed clean.
func TestEnqueueCleansAttachmentNames(t *testing.T) {
	app := apptest.Start(t)
	to := unique(t, "bidi")
	id := enqueue(t, app, withAttachments(to,
		mail.Attachment{Filename: "rechnung\u202efdp.exe", ContentType: "application/octet-stream", Content: []byte("MZ")}))[0]
	var stored string
	if err := app.Pool.QueryRow(context.Background(), `SELECT filename FROM mail_attachments WHERE mail_id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "rechnungfdp.exe" {
		t.Errorf("stored as %q, want rechnungfdp.exe", stored)
	}
	m := app.SMTP.WaitTo(t, to, 1, 5*time.Second)[0]
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "rechnungfdp.exe" {
		t.Errorf("mailed attachments %+v, want one named rechnungfdp.exe", m.Attachments)
	}
}
