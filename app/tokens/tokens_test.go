package tokens_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// lastSubject hands every test subjects of its own: tokens.subject_id has no
// foreign key, so any number will do as long as no other test uses it.
var lastSubject atomic.Int64

func newSubject() int64 { return lastSubject.Add(1) }

// issue stores a token in a committed transaction.
func issue(t *testing.T, pool *pgxpool.Pool, s tokens.Spec) string {
	t.Helper()
	var token string
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		var err error
		token, err = tokens.Issue(context.Background(), tx, s)
		return err
	})
	if err != nil {
		t.Fatalf("issue %+v: %v", s, err)
	}
	return token
}

// hashOf is what the tokens table should hold for token.
func hashOf(t *testing.T, token string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("issued token %q is not base64url: %v", token, err)
	}
	h := sha256.Sum256(raw)
	return h[:]
}

// expire moves the token's expiry into the past, as if its TTL had run out.
func expire(t *testing.T, pool *pgxpool.Pool, token string) {
	t.Helper()
	tag, err := pool.Exec(context.Background(),
		`UPDATE tokens SET expires_at = now() - interval '1 second' WHERE hash = $1`, hashOf(t, token))
	if err != nil {
		t.Fatal(err)
	}
	if tag.RowsAffected() != 1 {
		t.Fatalf("expire: %d rows for the token, want 1", tag.RowsAffected())
	}
}

// consumeIn uses token in a transaction of its own, committed or rolled back.
func consumeIn(t *testing.T, pool *pgxpool.Pool, purpose, token string, commit bool) (int64, error) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	subject, useErr := tokens.Consume(ctx, tx, purpose, token)
	if commit {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return subject, useErr
}

// wantResult fails t unless (subject, err) is the subject when wantErr is
// nil, or 0 and an error that is wantErr.
func wantResult(t *testing.T, what string, subject int64, err error, wantSubject int64, wantErr error) {
	t.Helper()
	if wantErr == nil {
		if err != nil || subject != wantSubject {
			t.Errorf("%s = %d, %v; want %d, nil", what, subject, err, wantSubject)
		}
		return
	}
	if !errors.Is(err, wantErr) || subject != 0 {
		t.Errorf("%s = %d, %v; want 0, %v", what, subject, err, wantErr)
	}
}

type op int

const (
	check             op = iota // tokens.Check on the pool
	consume                     // tokens.Consume in a committed transaction
	consumeRolledBack           // tokens.Consume in a transaction that is rolled back
	expireNow                   // expires_at set into the past by SQL
)

func (o op) String() string {
	return [...]string{"Check", "Consume", "Consume (rolled back)", "expire"}[o]
}

func TestCheckAndConsume(t *testing.T) {
	pool := dbtest.Pool(t)
	type step struct {
		op      op
		purpose string
		wantErr error // nil: the token's subject comes back
	}
	cases := []struct {
		name  string
		spec  tokens.Spec // SubjectID is filled in per case
		steps []step
	}{
		{
			name: "reusable token works again and again with its purpose",
			spec: tokens.Spec{Purpose: tokens.RegistrationManage, TTL: time.Hour},
			steps: []step{
				{op: check, purpose: tokens.RegistrationManage},
				{op: consume, purpose: tokens.RegistrationManage},
				{op: consume, purpose: tokens.RegistrationManage},
				{op: check, purpose: tokens.RegistrationManage},
			},
		},
		{
			name: "single-use token: Check does not use it, Consume works once",
			spec: tokens.Spec{Purpose: tokens.PasswordReset, TTL: 30 * time.Minute, SingleUse: true},
			steps: []step{
				{op: check, purpose: tokens.PasswordReset},
				{op: check, purpose: tokens.PasswordReset},
				{op: consume, purpose: tokens.PasswordReset},
				{op: consume, purpose: tokens.PasswordReset, wantErr: tokens.ErrExpired},
				{op: check, purpose: tokens.PasswordReset, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "single-use token survives a use whose transaction is rolled back",
			spec: tokens.Spec{Purpose: tokens.MembershipVerify, TTL: time.Hour, SingleUse: true},
			steps: []step{
				{op: consumeRolledBack, purpose: tokens.MembershipVerify},
				{op: check, purpose: tokens.MembershipVerify},
				{op: consume, purpose: tokens.MembershipVerify},
				{op: consumeRolledBack, purpose: tokens.MembershipVerify, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "wrong purpose is unknown and does not use the token up",
			spec: tokens.Spec{Purpose: tokens.MembershipVerify, TTL: time.Hour, SingleUse: true},
			steps: []step{
				{op: check, purpose: tokens.MembershipEdit, wantErr: tokens.ErrNotFound},
				{op: consume, purpose: tokens.MembershipEdit, wantErr: tokens.ErrNotFound},
				{op: consume, purpose: tokens.PasswordReset, wantErr: tokens.ErrNotFound},
				{op: check, purpose: tokens.GDPRView, wantErr: tokens.ErrNotFound},
				{op: check, purpose: "", wantErr: tokens.ErrNotFound},
				{op: consume, purpose: tokens.MembershipVerify},
				{op: consume, purpose: tokens.MembershipEdit, wantErr: tokens.ErrNotFound},
			},
		},
		{
			name: "negative TTL is expired from the start",
			spec: tokens.Spec{Purpose: tokens.GDPRView, TTL: -time.Second},
			steps: []step{
				{op: check, purpose: tokens.GDPRView, wantErr: tokens.ErrExpired},
				{op: consume, purpose: tokens.GDPRView, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "zero TTL is expired once issued",
			spec: tokens.Spec{Purpose: tokens.GDPRView, SingleUse: true},
			steps: []step{
				{op: check, purpose: tokens.GDPRView, wantErr: tokens.ErrExpired},
				{op: consume, purpose: tokens.GDPRView, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "reusable token stops working when it expires",
			spec: tokens.Spec{Purpose: tokens.RegistrationResend, TTL: 24 * time.Hour},
			steps: []step{
				{op: consume, purpose: tokens.RegistrationResend},
				{op: expireNow},
				{op: check, purpose: tokens.RegistrationResend, wantErr: tokens.ErrExpired},
				{op: consume, purpose: tokens.RegistrationResend, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "single-use token unused before it expires cannot be used after",
			spec: tokens.Spec{Purpose: tokens.PasswordReset, TTL: 30 * time.Minute, SingleUse: true},
			steps: []step{
				{op: check, purpose: tokens.PasswordReset},
				{op: expireNow},
				{op: consume, purpose: tokens.PasswordReset, wantErr: tokens.ErrExpired},
				{op: check, purpose: tokens.PasswordReset, wantErr: tokens.ErrExpired},
			},
		},
		{
			name: "expired token of another purpose is still unknown, not expired",
			spec: tokens.Spec{Purpose: tokens.MembershipEdit, TTL: time.Hour},
			steps: []step{
				{op: expireNow},
				{op: check, purpose: tokens.MembershipVerify, wantErr: tokens.ErrNotFound},
				{op: consume, purpose: tokens.MembershipVerify, wantErr: tokens.ErrNotFound},
				{op: consume, purpose: tokens.MembershipEdit, wantErr: tokens.ErrExpired},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			spec.SubjectID = newSubject()
			token := issue(t, pool, spec)
			for i, s := range c.steps {
				var (
					subject int64
					err     error
				)
				switch s.op {
				case check:
					subject, err = tokens.Check(context.Background(), pool, s.purpose, token)
				case consume:
					subject, err = consumeIn(t, pool, s.purpose, token, true)
				case consumeRolledBack:
					subject, err = consumeIn(t, pool, s.purpose, token, false)
				case expireNow:
					expire(t, pool, token)
					continue
				}
				wantResult(t, fmt.Sprintf("step %d: %v(%q)", i+1, s.op, s.purpose),
					subject, err, spec.SubjectID, s.wantErr)
			}
		})
	}
}

func TestIssueStoresOnlyTheHash(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	cases := []struct {
		name string
		spec tokens.Spec // SubjectID is filled in per case
	}{
		{"password reset, single use, 30 minutes", tokens.Spec{Purpose: tokens.PasswordReset, TTL: 30 * time.Minute, SingleUse: true}},
		{"membership verify, single use, 1.5 seconds", tokens.Spec{Purpose: tokens.MembershipVerify, TTL: 1500 * time.Millisecond, SingleUse: true}},
		{"membership edit, reusable, 1 day", tokens.Spec{Purpose: tokens.MembershipEdit, TTL: 24 * time.Hour}},
		{"gdpr view, reusable, 90 seconds", tokens.Spec{Purpose: tokens.GDPRView, TTL: 90 * time.Second}},
		{"registration manage, reusable, 1 year", tokens.Spec{Purpose: tokens.RegistrationManage, TTL: 365 * 24 * time.Hour}},
		{"registration resend, superseding", tokens.Spec{Purpose: tokens.RegistrationResend, TTL: time.Hour, SingleUse: true, Supersede: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			spec.SubjectID = newSubject()
			token := issue(t, pool, spec)
			if len(token) != 43 || strings.ContainsAny(token, "+/=") {
				t.Fatalf("token %q: want 43 characters of unpadded base64url", token)
			}
			raw, _ := base64.RawURLEncoding.DecodeString(token)

			var (
				gotPurpose   string
				gotSubject   int64
				gotSingleUse bool
				gotUnused    bool
				gotTTL       float64
				gotHash      []byte
			)
			err := pool.QueryRow(ctx, `
				SELECT purpose, subject_id, single_use, used_at IS NULL,
				       extract(epoch FROM expires_at - created_at)::float8, hash
				FROM tokens WHERE hash = $1`, hashOf(t, token)).
				Scan(&gotPurpose, &gotSubject, &gotSingleUse, &gotUnused, &gotTTL, &gotHash)
			if err != nil {
				t.Fatalf("no row under the SHA-256 of the token: %v", err)
			}
			if gotPurpose != spec.Purpose || gotSubject != spec.SubjectID || gotSingleUse != spec.SingleUse || !gotUnused {
				t.Errorf("stored purpose %q, subject %d, single use %v, unused %v; want %q, %d, %v, true",
					gotPurpose, gotSubject, gotSingleUse, gotUnused, spec.Purpose, spec.SubjectID, spec.SingleUse)
			}
			if math.Abs(gotTTL-spec.TTL.Seconds()) > 1e-6 {
				t.Errorf("expires %v s after creation, want %v s", gotTTL, spec.TTL.Seconds())
			}
			if string(gotHash) == string(raw) {
				t.Error("the table holds the token's bytes, not their hash")
			}

			// The token in any spelling appears nowhere in the table.
			for _, spelling := range []string{token, hex.EncodeToString(raw), base64.StdEncoding.EncodeToString(raw)} {
				var n int
				err := pool.QueryRow(ctx, `SELECT count(*) FROM tokens t
					WHERE strpos(t::text, $1) > 0 OR position($2::bytea IN t.hash) > 0`, spelling, raw).Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%d rows of tokens contain the token as %q", n, spelling)
				}
			}
		})
	}

	t.Run("every token is new", func(t *testing.T) {
		spec := tokens.Spec{Purpose: tokens.GDPRView, SubjectID: newSubject(), TTL: time.Hour}
		first, second := issue(t, pool, spec), issue(t, pool, spec)
		if first == second {
			t.Fatalf("two issues gave the same token %q", first)
		}
	})
}

func TestSupersede(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	cases := []struct {
		name        string
		supersede   bool
		rollBack    bool  // the transaction issuing the newest token is rolled back
		wantEarlier error // for the earlier tokens of the same subject and purpose
		wantNewest  error
	}{
		{name: "superseding voids the earlier tokens of the subject and purpose", supersede: true, wantEarlier: tokens.ErrExpired},
		{name: "without supersede earlier tokens stay valid", supersede: false},
		{name: "a rolled-back superseding issue voids nothing", supersede: true, rollBack: true, wantNewest: tokens.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			subject, other := newSubject(), newSubject()
			const purpose, otherPurpose = tokens.MembershipEdit, tokens.GDPRView
			earlierReusable := issue(t, pool, tokens.Spec{Purpose: purpose, SubjectID: subject, TTL: time.Hour})
			earlierSingle := issue(t, pool, tokens.Spec{Purpose: purpose, SubjectID: subject, TTL: time.Hour, SingleUse: true})
			otherSubject := issue(t, pool, tokens.Spec{Purpose: purpose, SubjectID: other, TTL: time.Hour})
			samePurposeElsewhere := issue(t, pool, tokens.Spec{Purpose: otherPurpose, SubjectID: subject, TTL: time.Hour, SingleUse: true})

			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			newest, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: purpose, SubjectID: subject, TTL: time.Hour, Supersede: c.supersede})
			if err != nil {
				t.Fatal(err)
			}
			if c.rollBack {
				err = tx.Rollback(ctx)
			} else {
				err = tx.Commit(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}

			checks := []struct {
				name        string
				token       string
				purpose     string
				wantSubject int64
				wantErr     error
			}{
				{"earlier reusable token", earlierReusable, purpose, subject, c.wantEarlier},
				{"earlier single-use token", earlierSingle, purpose, subject, c.wantEarlier},
				{"token of another subject", otherSubject, purpose, other, nil},
				{"token of another purpose", samePurposeElsewhere, otherPurpose, subject, nil},
				{"newest token", newest, purpose, subject, c.wantNewest},
			}
			for _, k := range checks {
				got, err := tokens.Check(ctx, pool, k.purpose, k.token)
				wantResult(t, "Check of the "+k.name, got, err, k.wantSubject, k.wantErr)
				got, err = consumeIn(t, pool, k.purpose, k.token, true)
				wantResult(t, "Consume of the "+k.name, got, err, k.wantSubject, k.wantErr)
			}
		})
	}
}

func TestConsumeConcurrently(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	const rounds = 20
	cases := []struct {
		name      string
		singleUse bool
		parallel  int
		wantWins  int
	}{
		{name: "single-use token, two parallel uses: exactly one wins", singleUse: true, parallel: 2, wantWins: 1},
		{name: "single-use token, four parallel uses: exactly one wins", singleUse: true, parallel: 4, wantWins: 1},
		{name: "reusable token, four parallel uses: all win", singleUse: false, parallel: 4, wantWins: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.parallel > int(pool.Config().MaxConns) {
				t.Fatalf("%d parallel uses need as many connections; the pool has %d", c.parallel, pool.Config().MaxConns)
			}
			for range rounds {
				subject := newSubject()
				token := issue(t, pool, tokens.Spec{Purpose: tokens.PasswordReset, SubjectID: subject, TTL: time.Hour, SingleUse: c.singleUse})

				// Every use holds a transaction of its own before any starts,
				// so the uses meet in the database, not in the pool.
				var ready, done sync.WaitGroup
				start := make(chan struct{})
				subjects := make([]int64, c.parallel)
				errs := make([]error, c.parallel)
				ready.Add(c.parallel)
				done.Add(c.parallel)
				for i := range c.parallel {
					go func() {
						defer done.Done()
						tx, err := pool.Begin(ctx)
						ready.Done()
						if err != nil {
							errs[i] = err
							return
						}
						defer tx.Rollback(ctx)
						<-start
						subjects[i], errs[i] = tokens.Consume(ctx, tx, tokens.PasswordReset, token)
						if err := tx.Commit(ctx); err != nil && errs[i] == nil {
							errs[i] = err
						}
					}()
				}
				ready.Wait()
				close(start)
				done.Wait()

				wins := 0
				for i, err := range errs {
					switch {
					case err == nil && subjects[i] == subject:
						wins++
					case errors.Is(err, tokens.ErrExpired) && subjects[i] == 0:
					default:
						t.Fatalf("use %d = %d, %v; want %d, nil or 0, ErrExpired", i, subjects[i], err, subject)
					}
				}
				if wins != c.wantWins {
					t.Fatalf("%d of %d parallel uses won, want %d", wins, c.parallel, c.wantWins)
				}
				var wantAfter error
				if c.singleUse {
					wantAfter = tokens.ErrExpired
				}
				got, err := tokens.Check(ctx, pool, tokens.PasswordReset, token)
				wantResult(t, "Check after the parallel uses", got, err, subject, wantAfter)
			}
		})
	}
}

func TestRefusesMalformedTokens(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	const purpose = tokens.RegistrationManage
	subject := newSubject()
	token := issue(t, pool, tokens.Spec{Purpose: purpose, SubjectID: subject, TTL: time.Hour})

	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// changed replaces the character at i by its neighbour in the alphabet.
	changed := func(i int) string {
		k := strings.IndexByte(alphabet, token[i])
		return token[:i] + string(alphabet[k^1]) + token[i+1:]
	}

	cases := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"one character", "A"},
		{"random token never issued", base64.RawURLEncoding.EncodeToString(random)},
		{"the stored hash instead of the token", base64.RawURLEncoding.EncodeToString(hashOf(t, token))},
		{"first character changed", changed(0)},
		{"a middle character changed", changed(21)},
		// The last of 43 characters carries 4 bits of the token and 2 spare
		// bits; a changed spare bit is still an altered link.
		{"spare bits of the last character changed", changed(42)},
		{"last character cut off", token[:42]},
		{"one character more", token + "A"},
		{"doubled", token + token},
		{"with padding", token + "="},
		{"standard base64 alphabet", strings.Repeat("+", 42) + "/"},
		{"NUL inside", token[:20] + "\x00" + token[20:]},
		{"NUL at the end", token + "\x00"},
		{"only NULs", strings.Repeat("\x00", 43)},
		{"line break inside", token[:20] + "\n" + token[20:]},
		{"carriage return at the end", token + "\r"},
		{"surrounded by spaces", " " + token + " "},
		{"invalid UTF-8", "\xff\xfe" + token[2:]},
		{"SQL", "' OR 1=1 --"},
		{"too long", strings.Repeat("A", 1<<20)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// One transaction for both calls: had either caused a database
			// error, the transaction would be aborted and SELECT 1 fail.
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			got, err := tokens.Check(ctx, tx, purpose, c.token)
			wantResult(t, "Check", got, err, 0, tokens.ErrNotFound)
			got, err = tokens.Consume(ctx, tx, purpose, c.token)
			wantResult(t, "Consume", got, err, 0, tokens.ErrNotFound)
			var one int
			if err := tx.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
				t.Fatalf("the transaction broke: %v", err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}

	got, err := tokens.Check(ctx, pool, purpose, token)
	wantResult(t, "Check of the real token after the malformed ones", got, err, subject, nil)
}
