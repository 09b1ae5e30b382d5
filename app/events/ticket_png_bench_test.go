package events_test

import (
	"testing"

	"github.com/pepalumni/memberdb/app/events"
)

// BenchmarkTicketPNG is what each confirmation mail's QR code costs.
func BenchmarkTicketPNG(b *testing.B) {
	for b.Loop() {
		if _, err := events.TicketPNG("7Q2M4K9X1P"); err != nil {
			b.Fatal(err)
		}
	}
}
