package events_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	qr "github.com/piglig/go-qr"

	"github.com/pepalumni/memberdb/app/events"
)

// TestTicketPNGIsAReadableQRCode reads the PNG that TicketPNG writes by
// hand with image/png and the QR code in it back to the ticket's code, and
// checks the quiet zone: white, four modules of eight pixels wide.
func TestTicketPNGIsAReadableQRCode(t *testing.T) {
	for _, code := range []string{"7Q2M4K9X1P", "0000000000", "ZZZZZZZZZZ"} {
		data, err := events.TicketPNG(code)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: image/png cannot read the ticket: %v", code, err)
		}
		side := img.Bounds().Dx()
		if img.Bounds() != image.Rect(0, 0, side, side) || side%8 != 0 {
			t.Fatalf("%s: the ticket is %v, want a square of whole modules", code, img.Bounds())
		}
		for i := range 32 {
			for _, p := range []image.Point{{i, side / 2}, {side - 1 - i, side / 2}, {side / 2, i}, {side / 2, side - 1 - i}} {
				if r, _, _, _ := img.At(p.X, p.Y).RGBA(); r != 0xffff {
					t.Fatalf("%s: pixel %v of the quiet zone is not white", code, p)
				}
			}
		}
		read, err := qr.Decode(img)
		if err != nil {
			t.Fatalf("%s: the QR code cannot be read: %v", code, err)
		}
		if got, ok := events.NormalizeCode(read); !ok || got != code {
			t.Errorf("the QR code reads %q, want %q", read, code)
		}
	}
}
