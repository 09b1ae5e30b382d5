package sepa

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"
)

func testBox(t *testing.T) *Box {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	b, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealRoundTrip(t *testing.T) {
	b := testBox(t)
	iban := IBAN("DE89370400440532013000")
	one, two := b.Seal(iban), b.Seal(iban)
	if bytes.Equal(one, two) {
		t.Error("the same IBAN sealed twice gave the same bytes: the nonce is not fresh")
	}
	for _, sealed := range [][]byte{one, two} {
		if bytes.Contains(sealed, []byte(iban)) || bytes.Contains(sealed, []byte(iban[4:])) {
			t.Error("the sealed value contains the IBAN in clear")
		}
		got, err := b.Open(sealed)
		if err != nil || got != iban {
			t.Errorf("Open = %q, %v; want %q", got, err, iban)
		}
	}
	tampered := bytes.Clone(one)
	tampered[len(tampered)-1] ^= 1
	if _, err := b.Open(tampered); !errors.Is(err, ErrSealed) {
		t.Errorf("tampered value: %v, want ErrSealed", err)
	}
	if _, err := testBox(t).Open(one); !errors.Is(err, ErrSealed) {
		t.Errorf("another key: %v, want ErrSealed", err)
	}
	if _, err := b.Open(one[:5]); !errors.Is(err, ErrSealed) {
		t.Errorf("short value: %v, want ErrSealed", err)
	}
}

func TestParseKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xfb}, 32)
	for _, s := range []string{base64.StdEncoding.EncodeToString(key), base64.URLEncoding.EncodeToString(key), base64.RawStdEncoding.EncodeToString(key)} {
		if got, err := ParseKey(s); err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "short", base64.StdEncoding.EncodeToString(key[:31]), base64.StdEncoding.EncodeToString(append(key, 1))} {
		if _, err := ParseKey(s); !errors.Is(err, ErrKey) {
			t.Errorf("ParseKey(%q): %v, want ErrKey", s, err)
		}
	}
}
