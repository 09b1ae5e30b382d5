package events

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
)

// ticketScale is the size of a QR module in the mail's image, in pixels.
const ticketScale = 8

// TicketPNG draws the code's QR code as a PNG for mails, whose readers
// show no inline SVG: black and white at one bit per pixel. It writes the
// PNG itself because image/png encodes a two-colour image pixel by pixel
// through an interface (ColorIndexAt), which made the QR code the largest
// part of memberdb's CPU in a registration rush (every confirmation mails
// a ticket); written row by row, each row built once for its module and
// repeated, it costs a fraction of that.
func TicketPNG(code string) ([]byte, error) {
	q, err := ticketQR(code)
	if err != nil {
		return nil, err
	}
	modules := q.Size() + 2*quietZone
	side := modules * ticketScale

	var pixels bytes.Buffer
	z := ticketCompressors.Get().(*zlib.Writer)
	defer ticketCompressors.Put(z)
	z.Reset(&pixels)
	// Each scanline is a filter byte (0, none) and the pixels, eight to a
	// byte, the first in the highest bit; 1 is white.
	line := make([]byte, 1+side/8)
	for y := range modules {
		for i := 1; i < len(line); i++ {
			line[i] = 0xff
		}
		for x := range modules {
			if q.Module(x-quietZone, y-quietZone) {
				// A module is eight pixels, one whole byte.
				line[1+x] = 0
			}
		}
		for range ticketScale {
			if _, err := z.Write(line); err != nil {
				return nil, fmt.Errorf("events: ticket PNG: %w", err)
			}
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("events: ticket PNG: %w", err)
	}

	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	header := make([]byte, 13)
	binary.BigEndian.PutUint32(header[0:], uint32(side))
	binary.BigEndian.PutUint32(header[4:], uint32(side))
	header[8] = 1 // bits per pixel; colour type 0 (grey), default compression, filters and no interlace follow as zeros
	writeChunk(&b, "IHDR", header)
	writeChunk(&b, "IDAT", pixels.Bytes())
	writeChunk(&b, "IEND", nil)
	return b.Bytes(), nil
}

// writeChunk appends a PNG chunk: length, type, data and the CRC of type
// and data.
func writeChunk(b *bytes.Buffer, kind string, data []byte) {
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
	start := b.Len()
	b.WriteString(kind)
	b.Write(data)
	b.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(b.Bytes()[start:])))
}

// ticketCompressors keep zlib's compressors (about a megabyte each) for
// the next ticket.
var ticketCompressors = sync.Pool{New: func() any {
	z, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return z
}}
