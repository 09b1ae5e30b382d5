package main

import "testing"

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"GET /events/{id}/registration/ (toolbox schema)": "get-events-id-registration-toolbox-schema",
		"one hot event":         "one-hot-event",
		"Überweisung & Co.":     "berweisung-co",
		"spread over 20 events": "spread-over-20-events",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
