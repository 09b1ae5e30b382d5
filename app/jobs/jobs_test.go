package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest/wait"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/jobs"
)

func runner(t *testing.T) *jobs.Runner {
	pool := dbtest.Pool(t)
	if _, err := pool.Exec(context.Background(), "DELETE FROM job_runs"); err != nil {
		t.Fatal(err)
	}
	return &jobs.Runner{Pool: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Many instances looking at once run a due job exactly once, and it is not
// due again until its period has passed.
func TestDueJobRunsOnceAcrossInstances(t *testing.T) {
	r := runner(t)
	ctx := context.Background()
	var runs atomic.Int32
	job := jobs.Job{Name: "test-once", Every: time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}}
	var wg sync.WaitGroup
	for range 8 {
		other := &jobs.Runner{Pool: r.Pool, Logger: r.Logger}
		wg.Go(func() {
			if _, err := other.RunDue(ctx, job); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Fatalf("the job ran %d times, want once", n)
	}
	if ran, err := r.RunDue(ctx, job); err != nil || ran {
		t.Fatalf("ran again within its period: %v %v", ran, err)
	}
	last, err := jobs.LastFinished(ctx, r.Pool, job.Name)
	if err != nil || last.IsZero() {
		t.Fatalf("no finish recorded: %v %v", last, err)
	}
}

// While one instance runs a job, another neither runs it nor waits.
func TestRunningJobIsBusyElsewhere(t *testing.T) {
	r := runner(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	slow := jobs.Job{Name: "test-busy", Every: 0, Run: func(context.Context) error {
		close(started)
		<-release
		return nil
	}}
	errc := make(chan error, 1)
	go func() { errc <- r.RunNow(ctx, slow) }()
	<-started
	if err := r.RunNow(ctx, slow); err != jobs.ErrBusy {
		t.Errorf("second run: %v, want ErrBusy", err)
	}
	if ran, err := r.RunDue(ctx, slow); err != nil || ran {
		t.Errorf("RunDue beside a running job: ran=%v err=%v", ran, err)
	}
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// A run cut short by a crash leaves no finish behind; once its connection
// is gone another instance takes the job over.
func TestCrashedRunIsTakenOver(t *testing.T) {
	r := runner(t)
	ctx := context.Background()
	crashed, err := pgx.Connect(ctx, r.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	// What a crashed instance leaves: the run started, its lock held by a
	// connection that is about to die.
	if _, err := crashed.Exec(ctx, `INSERT INTO job_runs (name, started_at) VALUES ('test-crash', now())`); err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext('test-crash'))`, 0x6d656d62); err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	job := jobs.Job{Name: "test-crash", Every: 24 * time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}}
	if ran, err := r.RunDue(ctx, job); err != nil || ran {
		t.Fatalf("ran while the crashed instance still held the lock: %v %v", ran, err)
	}
	if err := crashed.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// The server notices the closed connection asynchronously.
	wait.Until(t, 10*time.Second, "the job taken over", func() bool {
		if _, err := r.RunDue(ctx, job); err != nil {
			t.Fatal(err)
		}
		return runs.Load() > 0
	})
	if runs.Load() != 1 {
		t.Fatalf("runs after the crash: %d, want 1", runs.Load())
	}
}
