// Package metrics serves memberdb's Prometheus metrics (METRICS_ADDR). The
// counters the domains move (mail deliveries, logins, registration status
// changes) are process-wide, like the Go runtime's; the gauges of the
// database (outbox, registrations, pool) are read when scraped. Every name
// starts with memberdb_; the README lists them all.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The counters the domains move.
var (
	MailDelivered = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "memberdb_mail_delivered_total",
		Help: "Mails handed to the SMTP server (or captured in development).",
	})
	MailFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "memberdb_mail_failures_total",
		Help: "Failed delivery attempts, by kind: temporary (retried) or permanent (given up).",
	}, []string{"kind"})
	Logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "memberdb_logins_total",
		Help: "Login attempts by result: success, failure (wrong name or password) or locked (refused by the rate limits).",
	}, []string{"result"})
	RegistrationTransitions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "memberdb_registration_transitions_total",
		Help: "Registration status changes written, by old and new status.",
	}, []string{"from", "to"})
)

// The series of known labels exist from the start, at 0, so that a rate
// over them is defined before the first failure.
func init() {
	for _, kind := range []string{"temporary", "permanent"} {
		MailFailures.WithLabelValues(kind)
	}
	for _, result := range []string{"success", "failure", "locked"} {
		Logins.WithLabelValues(result)
	}
}

// Metrics is one server's registry, with its HTTP middleware.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// New returns the metrics of a server on pool.
func New(pool *pgxpool.Pool, logger *slog.Logger) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "memberdb_http_requests_total",
			Help: "HTTP requests by route pattern, method and status class (2xx, 3xx, 4xx, 5xx).",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "memberdb_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		MailDelivered, MailFailures, Logins, RegistrationTransitions,
		&dbCollector{pool: pool, logger: logger}, newPoolCollector(pool))
	// The runtime's and the process's metrics under memberdb_ as well, so
	// that one prefix finds everything of memberdb.
	prometheus.WrapRegistererWithPrefix("memberdb_", m.registry).MustRegister(
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Timeout: 10 * time.Second})
}

// Serve serves Handler at /metrics on addr until ctx ends.
func (m *Metrics) Serve(ctx context.Context, addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	logger.Info("serving metrics", "addr", addr)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		logger.Error("metrics server stopped", "err", err)
	}
}
