package web

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

// A decoding from memory is the decoding of the bytes, and each caller
// may change what it got without changing what the next one gets.
func TestSessionCodecDecodesFromMemoryAsGobDoes(t *testing.T) {
	c := NewSessionCodec()
	deadline := time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC)
	b, err := c.Encode(deadline, map[string]any{"user_id": int64(7), "epoch": 3, "flash": "gespeichert"})
	if err != nil {
		t.Fatal(err)
	}
	wantDeadline, want, err := c.GobCodec.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, values, err := c.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Equal(wantDeadline) || !reflect.DeepEqual(values, want) {
			t.Fatalf("decoding %d: %v %v, want %v %v", i, d, values, wantDeadline, want)
		}
		values["flash"] = "changed by a request"
		delete(values, "user_id")
	}
	if len(c.decoded) != 1 {
		t.Fatalf("%d decodings kept, want 1", len(c.decoded))
	}
	if _, _, err := c.Decode([]byte("not gob")); err == nil {
		t.Fatal("bytes that are no session decoded without an error")
	}
	if len(c.decoded) != 1 {
		t.Fatalf("a failed decoding was kept")
	}
}

// It keeps at most sessionCodecEntries decodings.
func TestSessionCodecForgetsWhenFull(t *testing.T) {
	c := NewSessionCodec()
	deadline := time.Now()
	for i := range sessionCodecEntries + 10 {
		b, err := c.Encode(deadline, map[string]any{"user_id": int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		_, values, err := c.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if values["user_id"] != int64(i) {
			t.Fatalf("session %d decoded as %v", i, values)
		}
		if len(c.decoded) > sessionCodecEntries {
			t.Fatalf("%d decodings kept after %s sessions", len(c.decoded), strconv.Itoa(i+1))
		}
	}
}
