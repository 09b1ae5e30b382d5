package site_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/pepalumni/memberdb/app/site"
)

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PNG and JPEG are decoded and encoded anew: what rides along (a script
// appended, metadata chunks) is gone, the pixels stay.
func TestCleanLogoReencodes(t *testing.T) {
	img := testImage(40, 20)
	payload := []byte("<script>alert(1)</script>")
	for _, tc := range []struct {
		name, typ string
		data      []byte
	}{
		{"png", "image/png", append(withTextChunk(encodePNG(t, img), "<svg onload=alert(1)>"), payload...)},
		{"jpeg", "image/jpeg", append(encodeJPEG(t, img), payload...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logo, err := site.CleanLogo(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if logo.Type != tc.typ {
				t.Errorf("type %s, want %s", logo.Type, tc.typ)
			}
			if bytes.Contains(logo.Data, []byte("script")) || bytes.Contains(logo.Data, []byte("onload")) {
				t.Error("the re-encoded image still carries the payload")
			}
			got, format, err := image.Decode(bytes.NewReader(logo.Data))
			if err != nil || "image/"+format != tc.typ {
				t.Fatalf("the result does not decode as %s: %v", tc.typ, err)
			}
			if got.Bounds() != img.Bounds() {
				t.Errorf("size %v, want %v", got.Bounds(), img.Bounds())
			}
		})
	}
}

// withTextChunk inserts a tEXt chunk after the PNG's header chunk.
func withTextChunk(p []byte, text string) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	data := append([]byte("Comment\x00"), text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	typed := append([]byte("tEXt"), data...)
	chunk = append(chunk, typed...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(typed))
	out := append([]byte{}, p[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, p[ihdrEnd:]...)
}

// A small file that claims huge dimensions (a decompression bomb) is
// refused from its header, before any pixel is decoded; so is an image
// merely too large, a file over the limit, and what is no image.
func TestCleanLogoRefuses(t *testing.T) {
	bomb := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	// The header claims 100000 × 100000 pixels (10 GB decoded).
	binary.BigEndian.PutUint32(bomb[16:], 100000)
	binary.BigEndian.PutUint32(bomb[20:], 100000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	oversize := append(encodePNG(t, testImage(10, 10)), make([]byte, site.MaxLogoBytes)...)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"png bomb", bomb, site.ErrLogoTooWide},
		{"jpeg too wide", encodeJPEG(t, image.NewGray(image.Rect(0, 0, site.MaxLogoPixels+1, 8))), site.ErrLogoTooWide},
		{"over the size limit", oversize, site.ErrLogoTooLarge},
		{"truncated png", encodePNG(t, testImage(30, 30))[:60], site.ErrLogoUnreadable},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), site.ErrSVG},
		{"empty", nil, site.ErrSVG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := site.CleanLogo(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCheckAccent(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"#1D4F91", "#1d4f91", nil},
		{" #0a58ca ", "#0a58ca", nil},
		{"#000000", "#000000", nil},
		{"#ffffff", "", site.ErrAccentLight},
		{"#ffd700", "", site.ErrAccentLight},
		{"#0d6efd", "", site.ErrAccentLight}, // Bootstrap's blue is too light for links on grey
		{"1d4f91", "#1d4f91", nil},
		{"#135", "#113355", nil},
		{"#1d4f91ff", "", site.ErrAccentFormat},
		{"#1d4f9", "", site.ErrAccentFormat},
		{"red", "", site.ErrAccentFormat},
		{"#1d4f91;}body{display:none", "", site.ErrAccentFormat},
	} {
		got, err := site.CheckAccent(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("CheckAccent(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	for _, colour := range []string{"#1d4f91", "#0a58ca", "#6f2da8", "#146c43"} {
		th := site.Theme(colour)
		if site.Contrast(th.Dark, "#ffffff") < site.Contrast(colour, "#ffffff") {
			t.Errorf("the hover shade %s of %s is lighter", th.Dark, colour)
		}
	}
}
