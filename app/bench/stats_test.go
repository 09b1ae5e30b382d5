package main

import (
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var out []time.Duration
		for _, v := range n {
			out = append(out, time.Duration(v)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of odd count", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"median of even count is the lower middle", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the maximum", ms(1, 2, 30), 100, 30 * time.Millisecond},
		{"p99 of few values is the maximum", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestRowFromSamplesSortsAndRates(t *testing.T) {
	samples := []time.Duration{9 * time.Millisecond, 1 * time.Millisecond, 5 * time.Millisecond, 3 * time.Millisecond}
	r := RowFromSamples("x", 16, samples, 2*time.Second, 1)
	if r.Rate != 2 || r.P50 != 3*time.Millisecond || r.P99 != 9*time.Millisecond || r.Errors != 1 {
		t.Errorf("got %+v", r)
	}
	if samples[0] != 9*time.Millisecond {
		t.Error("RowFromSamples reordered the caller's slice")
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	WriteTable(&b, []Row{
		{Scenario: "GET /events/", Clients: 64, Rate: 5321.4, P50: 4200 * time.Microsecond, P99: 31 * time.Millisecond},
		{Scenario: "mail a|b", Rate: 812.33, NoLatency: true, Errors: 2, Note: "(1 worker)"},
		{Scenario: "step", Clients: 16, Rate: -1, P50: 250 * time.Microsecond, P99: 1500 * time.Millisecond},
	})
	want := "| scenario | clients | ops/s | p50 | p99 | errors |\n" +
		"|---|--:|--:|--:|--:|--:|\n" +
		"| GET /events/ | 64 | 5321 | 4.2 ms | 31 ms | 0 |\n" +
		"| mail a\\|b (1 worker) | – | 812 | – | – | 2 |\n" +
		"| step | 16 | – | 0.25 ms | 1.50 s | 0 |\n"
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}
