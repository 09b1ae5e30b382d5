package main

import (
	"strings"
	"testing"
)

func TestRegistrationBound(t *testing.T) {
	r := Ratio{Shape: "spread over 20 events", Clients: 16, Memberdb: 238, Limit: 728}
	direct := Cost{Postgres: 1.90, Bench: 0.53}
	out := registrationBound(2, r, Cost{Memberdb: 2.47, Postgres: 3.82, Bench: 1.17}, direct)
	for _, want := range []string{"437 registrations/s", "4.58 ms", "4.99 ms, the whole budget", "Not reachable", "89 % busy"} {
		if !strings.Contains(out, want) {
			t.Errorf("bound lacks %q:\n%s", want, out)
		}
	}
	out = registrationBound(2, Ratio{Shape: "one hot event", Clients: 16, Memberdb: 281, Limit: 483}, Cost{Memberdb: 2.02, Postgres: 3.18, Bench: 0.93}, direct)
	for _, want := range []string{"290 registrations/s", "6.90 ms", "4.11 ms, which leaves memberdb 2.79 ms; it took 2.02 ms"} {
		if !strings.Contains(out, want) {
			t.Errorf("bound lacks %q:\n%s", want, out)
		}
	}
}

func TestSearchBound(t *testing.T) {
	out := searchBound(2, RequestCost{What: "GET /admin/persons?q=… fragment (50000 persons)", Clients: 16, Memberdb: 1012, Postgres: 1164, Bench: 172})
	for _, want := range []string{"2348 µs", "18.8 ms", "1336 µs alone make 10.7 ms", "1012 µs the rest"} {
		if !strings.Contains(out, want) {
			t.Errorf("bound lacks %q:\n%s", want, out)
		}
	}
}
