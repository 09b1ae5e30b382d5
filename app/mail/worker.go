package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/metrics"
)

// WorkerConfig says where and how a Worker delivers. The zero values of the
// timings are the production defaults.
type WorkerConfig struct {
	SMTP config.Mail
	// Sender, when set, is the From of each batch of mails: the
	// association as set in the browser while MAIL_SENDER is not set. Nil
	// sends from SMTP.Sender. A batch it cannot name a sender for waits
	// for the next try rather than go from another's.
	Sender func(ctx context.Context) (string, error)
	// Capture keeps mails in the outbox as captured instead of sending them:
	// the development mailbox.
	Capture bool
	// Origin, when set, restricts the worker to mails enqueued by clients
	// with this application_name.
	Origin string

	BatchSize    int           // mails per SMTP connection; default 50
	PollInterval time.Duration // how often to look without a notification; default 5 s
	// ClaimTimeout is when a mail claimed by a dead worker is taken over;
	// default 10 min. A crashed worker's claims are taken back sooner,
	// when a worker starts on its host again.
	ClaimTimeout time.Duration
	RetryBase    time.Duration // first wait after a temporary failure, doubling; default 30 s
	// MaxAttempts counts the first attempt too. The default, 13, is the
	// old system's schedule: twelve retries after waits of 30 s doubling,
	// which add up to about a day and a half.
	MaxAttempts int
	SendTimeout time.Duration // SMTP connection timeout; default 30 s
	Logger      *slog.Logger
}

// NewWorkerConfig is the configuration memberdb serve and mail-worker use:
// in development mode without a mail server mails are captured.
func NewWorkerConfig(cfg *config.Config, logger *slog.Logger) WorkerConfig {
	return WorkerConfig{SMTP: cfg.Mail, Capture: cfg.Dev && cfg.Mail.Server == "", Logger: logger}
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Second
	}
	if c.ClaimTimeout <= 0 {
		c.ClaimTimeout = 10 * time.Minute
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 30 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 13
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Worker delivers the outbox. Several workers may share one outbox: a mail
// is claimed with FOR UPDATE SKIP LOCKED, so only one of them sends it.
type Worker struct {
	pool    *pgxpool.Pool
	cfg     WorkerConfig
	claimer claimer

	delivered atomic.Int64
	// connected: the worker's own connection (LISTEN) is up; /readyz
	// reports an instance whose worker lost its database.
	connected atomic.Bool
	// registered: the worker registered in mail_workers once, so the
	// claim recovery takes its claims back whenever its connection (and
	// with it its liveness lock) is gone; it then claims nothing new
	// until it has reconnected.
	registered atomic.Bool

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewWorker returns a worker; start it with Run or Start.
func NewWorker(pool *pgxpool.Pool, cfg WorkerConfig) *Worker {
	return &Worker{pool: pool, cfg: cfg.withDefaults(), claimer: thisProcess()}
}

// Connected reports whether the worker holds its database connection:
// false before it first connected and while it reconnects.
func (w *Worker) Connected() bool { return w.connected.Load() }

// Delivered is how many mails this worker handed to the SMTP server (or
// captured, in the development mailbox).
func (w *Worker) Delivered() int64 { return w.delivered.Load() }

// Start runs the worker in the background until Stop; a worker runs once,
// so a second Start, or one after Stop, does nothing.
func (w *Worker) Start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		return
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go func() {
		defer close(w.done)
		if err := w.Run(ctx); err != nil {
			w.cfg.Logger.Error("mail worker stopped", "err", err)
		}
	}()
}

// Stop ends a started worker and waits until the mail being sent is
// delivered and recorded.
func (w *Worker) Stop() {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Run delivers mail until ctx ends. It first takes back the mails a
// crashed process on this host left claimed, then wakes on a notification
// from Enqueue and otherwise polls; when ctx ends it finishes the mail it
// is sending and gives the rest of its claim back.
func (w *Worker) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	var listening sync.WaitGroup
	listening.Add(1)
	go func() {
		defer listening.Done()
		w.listen(ctx, wake)
	}()
	defer listening.Wait()

	timer := time.NewTimer(0)
	defer timer.Stop()
	reclaimed := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-timer.C:
		}
		// Tried until it succeeds once: the database may not be up yet.
		if !reclaimed && ctx.Err() == nil {
			if err := w.reclaim(ctx); err != nil {
				if ctx.Err() == nil {
					w.cfg.Logger.Error("mail worker", "err", err)
				}
			} else {
				reclaimed = true
			}
		}
		for ctx.Err() == nil && (w.connected.Load() || !w.registered.Load()) {
			n, err := w.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.cfg.Logger.Error("mail worker", "err", err)
				}
				break
			}
			if n < w.cfg.BatchSize {
				break
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(w.cfg.PollInterval)
	}
}

// RunOnce claims one batch of due mails and delivers (or captures) it; it
// returns how many mails it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if w.cfg.Capture {
		n, err := w.capture(ctx)
		w.delivered.Add(int64(n))
		metrics.MailDelivered.Add(float64(n))
		return n, err
	}
	claimed, err := w.claim(ctx)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	return len(claimed), w.deliver(ctx, claimed)
}

// Drain delivers mails until none is due and returns how many it claimed;
// the mail benchmark measures a batch's delivery with it.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := w.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// listen wakes the worker on every NOTIFY of Enqueue, over a connection of
// its own so it never holds one of the pool's. When the connection breaks
// it reconnects; meanwhile polling keeps mail moving.
func (w *Worker) listen(ctx context.Context, wake chan<- struct{}) {
	for ctx.Err() == nil {
		err := w.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		w.cfg.Logger.Warn("mail worker: listening for new mail failed; polling", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(w.cfg.PollInterval):
		}
	}
}

func (w *Worker) listenOnce(ctx context.Context, wake chan<- struct{}) error {
	conn, err := pgx.ConnectConfig(ctx, w.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if err := w.register(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Notify}.Sanitize()); err != nil {
		return err
	}
	w.connected.Store(true)
	defer w.connected.Store(false)
	// A mail enqueued before LISTEN took effect must not wait for the poll.
	signal(wake)
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return nil
			}
			return err
		}
		signal(wake)
	}
}

func signal(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
