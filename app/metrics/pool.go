package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reports pgxpool.Stat when scraped.
type poolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("memberdb_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{pool: pool, descs: map[string]*prometheus.Desc{
		"acquired":        d("acquired_conns", "Connections in use."),
		"idle":            d("idle_conns", "Idle connections."),
		"total":           d("total_conns", "Open connections."),
		"max":             d("max_conns", "The pool's largest size."),
		"acquires":        d("acquires_total", "Connections taken from the pool."),
		"acquireSeconds":  d("acquire_duration_seconds_total", "Time spent waiting for connections."),
		"emptyAcquires":   d("empty_acquires_total", "Acquires that had to wait for a connection (the pool was empty)."),
		"canceledAcquire": d("canceled_acquires_total", "Acquires given up because their context ended."),
	}}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(key string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[key], prometheus.GaugeValue, v)
	}
	counter := func(key string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[key], prometheus.CounterValue, v)
	}
	gauge("acquired", float64(s.AcquiredConns()))
	gauge("idle", float64(s.IdleConns()))
	gauge("total", float64(s.TotalConns()))
	gauge("max", float64(s.MaxConns()))
	counter("acquires", float64(s.AcquireCount()))
	counter("acquireSeconds", s.AcquireDuration().Seconds())
	counter("emptyAcquires", float64(s.EmptyAcquireCount()))
	counter("canceledAcquire", float64(s.CanceledAcquireCount()))
}
