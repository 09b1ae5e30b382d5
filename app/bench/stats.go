package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Percentile returns the nearest-rank percentile p (0 < p ≤ 100) of sorted
// durations: the smallest value with at least p percent of the values at or
// below it. Zero for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted)) * p / 100))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Row is one line of the result table.
type Row struct {
	Scenario string
	Clients  int
	// Rate is operations per second; negative hides it (a step whose rate
	// says nothing on its own).
	Rate     float64
	P50, P99 time.Duration
	// NoLatency hides p50 and p99 (a row that is only a rate).
	NoLatency bool
	Errors    int
	// Note is appended to the scenario column, e.g. "(ratio 0.71)".
	Note string
}

// RowFromSamples fills rate and percentiles from raw latencies.
func RowFromSamples(scenario string, clients int, samples []time.Duration, elapsed time.Duration, errors int) Row {
	s := slices.Clone(samples)
	slices.Sort(s)
	r := Row{Scenario: scenario, Clients: clients, Errors: errors, P50: Percentile(s, 50), P99: Percentile(s, 99)}
	if elapsed > 0 {
		r.Rate = float64(len(s)) / elapsed.Seconds()
	}
	return r
}

// WriteTable prints rows as a markdown table.
func WriteTable(w io.Writer, rows []Row) {
	fmt.Fprintln(w, "| scenario | clients | ops/s | p50 | p99 | errors |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		name := r.Scenario
		if r.Note != "" {
			name += " " + r.Note
		}
		clients := "–"
		if r.Clients > 0 {
			clients = fmt.Sprint(r.Clients)
		}
		rate := "–"
		if r.Rate >= 0 {
			rate = formatRate(r.Rate)
		}
		p50, p99 := "–", "–"
		if !r.NoLatency {
			p50, p99 = formatDuration(r.P50), formatDuration(r.P99)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", escapeCell(name), clients, rate, p50, p99, r.Errors)
	}
}

func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.2f", r)
	}
}

// formatDuration shows milliseconds with sensible precision: 0.42 ms,
// 3.1 ms, 48 ms, 1.2 s.
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 1:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// formatBytes is a size as kB or MB.
func formatBytes(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
}
