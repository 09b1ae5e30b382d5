package metrics

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	outboxDesc = prometheus.NewDesc("memberdb_mail_outbox",
		"Mails in the outbox by state (queued, sending, sent, failed, captured).", []string{"state"}, nil)
	oldestQueuedDesc = prometheus.NewDesc("memberdb_mail_oldest_queued_age_seconds",
		"Age of the oldest mail waiting to be sent (queued or sending); 0 when none waits.", nil, nil)
	registrationsDesc = prometheus.NewDesc("memberdb_registrations",
		"Registrations by event id and status.", []string{"event", "status"}, nil)
	scrapeErrorDesc = prometheus.NewDesc("memberdb_db_scrape_error",
		"1 when the database could not be read for this scrape.", nil, nil)
)

// dbCollector reads the outbox and the registrations when scraped.
type dbCollector struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDesc
	ch <- oldestQueuedDesc
	ch <- registrationsDesc
	ch <- scrapeErrorDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := 0.0
	if err := c.collect(ctx, ch); err != nil {
		c.logger.Warn("metrics: reading the database failed", "err", err)
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrorDesc, prometheus.GaugeValue, failed)
}

func (c *dbCollector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	states := map[string]float64{"queued": 0, "sending": 0, "sent": 0, "failed": 0, "captured": 0}
	rows, err := c.pool.Query(ctx, `SELECT status, count(*) FROM mail_outbox GROUP BY status`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return err
		}
		states[state] = float64(n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for state, n := range states {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, n, state)
	}
	var age float64
	if err := c.pool.QueryRow(ctx, `
		SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
		FROM mail_outbox WHERE status IN ('queued', 'sending')`).Scan(&age); err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(oldestQueuedDesc, prometheus.GaugeValue, age)

	rows, err = c.pool.Query(ctx, `SELECT event_id, status, count(*) FROM registrations GROUP BY event_id, status`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var event int64
		var status string
		var n int64
		if err := rows.Scan(&event, &status, &n); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(registrationsDesc, prometheus.GaugeValue, float64(n), strconv.FormatInt(event, 10), status)
	}
	return rows.Err()
}
