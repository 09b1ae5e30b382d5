package web

import (
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodecEntries bounds the decodings a SessionCodec keeps: a few
// per session in use.
const sessionCodecEntries = 4096

// SessionCodec is scs's gob codec that keeps what it decoded. A staff
// member's session is decoded on every request, and twice more when
// SessionStore compares it with what it wrote, and gob builds its decoder
// anew for each: about a twentieth of a search's CPU. The stored bytes of
// a session stay the same between writes, so most decodings are of bytes
// seen before.
//
// Each caller gets its own copy of the values. They are shared only as
// far as a map copy shares: sessions hold numbers and strings.
type SessionCodec struct {
	scs.GobCodec

	mu      sync.Mutex
	decoded map[string]decodedSession
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// NewSessionCodec is a SessionCodec with nothing decoded yet.
func NewSessionCodec() *SessionCodec {
	return &SessionCodec{decoded: map[string]decodedSession{}}
}

// Decode is GobCodec's, from memory when b was decoded before.
func (c *SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.decoded[string(b)]
	c.mu.Unlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := c.GobCodec.Decode(b)
	if err != nil {
		return deadline, values, err
	}
	c.mu.Lock()
	if len(c.decoded) >= sessionCodecEntries {
		clear(c.decoded)
	}
	c.decoded[string(b)] = decodedSession{deadline: deadline, values: maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}
