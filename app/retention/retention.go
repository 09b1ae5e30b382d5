// Package retention deletes personal data once its purpose is gone
// (GDPR Art. 5(1)(e)): old mails, the answers of long-past events,
// applications that went nowhere, persons nobody needs, old audit values,
// and whatever expired. Each step is its domain's function; this package
// only says when each runs, in one transaction per category, and reports.
// `memberdb purge` runs it by hand and `serve` once a day.
package retention

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/organisers"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
)

// Category is one kind of data the purge takes, run in a transaction of
// its own.
type Category struct {
	// Key names it in the summary and the audit log; the privacy page
	// translates it as privacy.purge.<Key>.
	Key string
	Run func(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error)
}

// Purge is the purge of one installation.
type Purge struct {
	Pool       *pgxpool.Pool
	Categories []Category
}

// expiring are the categories that go as soon as they expire, swept
// every few minutes as well as in the daily purge.
var expiring = map[string]bool{"tokens": true, "sessions": true, "drafts": true}

// New builds the purge for cfg; the order matters: notices go out before
// answers are taken, applications before the persons they held. The
// notices' texts come from book; nil takes the code's texts, signed as the
// configuration says (enough for a dry run, which sends nothing).
func New(cfg *config.Config, pool *pgxpool.Pool, book *mail.Book) *Purge {
	r := cfg.Retain
	if book == nil {
		book = mail.NewBook(mail.ConfiguredOrg(cfg))
	}
	notices := events.NewService(cfg, book)
	before := func(p config.Period, f func(context.Context, pgx.Tx, time.Time) (persons.Purged, error)) func(context.Context, pgx.Tx, time.Time) (persons.Purged, error) {
		return func(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
			return f(ctx, tx, p.Before(now))
		}
	}
	return &Purge{Pool: pool, Categories: []Category{
		{"notices", func(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
			return notices.NoticeAnonymisation(ctx, tx, now, r.Registrations)
		}},
		{"registrations", func(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
			return events.AnonymiseEnded(ctx, tx, now, r.Registrations)
		}},
		{"mails", before(r.Mail, mail.PurgeBefore)},
		{"applications", before(r.Applications, members.PurgeApplications)},
		{"persons", before(r.Applications, members.PurgePersons)},
		{"name_words", members.SweepNameWords},
		{"audit", before(r.Audit, audit.StripBefore)},
		{"tokens", tokens.PurgeExpired},
		{"sessions", auth.PurgeSessions},
		{"drafts", organisers.PurgeDrafts},
	}}
}

// Line is one category's part of a run.
type Line struct {
	Key string
	persons.Purged
}

// Report is what a run took, or would take.
type Report struct {
	DryRun bool
	Lines  []Line
}

// Total is the number of rows taken in all categories.
func (r Report) Total() int {
	n := 0
	for _, l := range r.Lines {
		n += l.Count
	}
	return n
}

// Counts is the report as one line of key=count pairs, for the audit log.
func (r Report) Counts() string {
	parts := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		parts[i] = fmt.Sprintf("%s=%d", l.Key, l.Count)
	}
	return strings.Join(parts, " ")
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	verb := "purged"
	if r.DryRun {
		verb = "would purge"
	}
	fmt.Fprintf(tw, "category\t%s\toldest\n", verb)
	for _, l := range r.Lines {
		oldest := "-"
		if l.Oldest != nil {
			oldest = l.Oldest.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", l.Key, l.Count, oldest)
	}
	return tw.Flush()
}

// Run takes every category at now, each in its own transaction, and
// records the run (counts only) in the audit log. With dryRun all run in
// one transaction that is rolled back, so the report says what would go
// and nothing changes, not even the notices' mails.
func (p *Purge) Run(ctx context.Context, now time.Time, dryRun bool) (Report, error) {
	rep, err := p.run(ctx, now, dryRun)
	if err != nil || dryRun {
		return rep, err
	}
	err = pgx.BeginFunc(ctx, p.Pool, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{Actor: audit.ActorPurge, Table: "purge", RowID: now.UTC().Format(time.DateOnly),
			NewValue: audit.Value(rep.Counts())})
	})
	return rep, err
}

func (p *Purge) run(ctx context.Context, now time.Time, dryRun bool) (Report, error) {
	rep := Report{DryRun: dryRun}
	if dryRun {
		// One transaction for all, rolled back at the end, so that each
		// category sees what the ones before it would have taken (the
		// persons an application held), as in a real run.
		err := pgx.BeginFunc(ctx, p.Pool, func(tx pgx.Tx) error {
			for _, c := range p.Categories {
				got, err := c.Run(ctx, tx, now)
				if err != nil {
					return fmt.Errorf("purge %s: %w", c.Key, err)
				}
				rep.Lines = append(rep.Lines, Line{Key: c.Key, Purged: got})
			}
			return errDryRun
		})
		if !errors.Is(err, errDryRun) {
			return rep, err
		}
		return rep, nil
	}
	for _, c := range p.Categories {
		var got persons.Purged
		err := pgx.BeginFunc(ctx, p.Pool, func(tx pgx.Tx) (err error) {
			got, err = c.Run(ctx, tx, now)
			return err
		})
		if err != nil {
			return rep, fmt.Errorf("purge %s: %w", c.Key, err)
		}
		rep.Lines = append(rep.Lines, Line{Key: c.Key, Purged: got})
	}
	return rep, nil
}

// errDryRun rolls the dry run's transaction back.
var errDryRun = errors.New("retention: dry run")

// Jobs are the purges serve runs, each in one instance at a time: the
// whole purge daily, and what expired every ten minutes.
func (p *Purge) Jobs(now func() time.Time) []jobs.Job {
	sweep := &Purge{Pool: p.Pool}
	for _, c := range p.Categories {
		if expiring[c.Key] {
			sweep.Categories = append(sweep.Categories, c)
		}
	}
	return []jobs.Job{
		{Name: "purge", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			_, err := p.Run(ctx, now(), false)
			return err
		}},
		// Sessions expire all the time; the sweep is not worth an audit
		// entry every ten minutes, so it runs without one.
		{Name: "purge-expired", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := sweep.run(ctx, now(), false)
			return err
		}},
	}
}
