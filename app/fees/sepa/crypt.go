package sepa

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrKey is a SEPA_KEY that is not 32 bytes in base64.
var ErrKey = errors.New("sepa: the key must be 32 random bytes in base64")

// ErrSealed is a stored value that does not open with the key.
var ErrSealed = errors.New("sepa: stored IBAN does not decrypt with SEPA_KEY")

// Box encrypts IBANs for storage with AES-256-GCM, a fresh random nonce
// per value (stored in front of the ciphertext).
type Box struct{ aead cipher.AEAD }

// ParseKey decodes SEPA_KEY (standard or URL base64).
func ParseKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, ErrKey
}

// NewBox makes a box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, ErrKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sepa: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sepa: %w", err)
	}
	return &Box{aead: aead}, nil
}

// additional binds the ciphertext to its use, so an encrypted IBAN cannot
// be passed off as another encrypted value of the same key.
var additional = []byte("memberdb sepa iban v1")

// Seal encrypts the IBAN.
func (b *Box) Seal(iban IBAN) []byte {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(iban)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("sepa: no randomness: " + err.Error())
	}
	return b.aead.Seal(nonce, nonce, []byte(iban), additional)
}

// Open decrypts what Seal stored.
func (b *Box) Open(sealed []byte) (IBAN, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return "", ErrSealed
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], additional)
	if err != nil {
		return "", ErrSealed
	}
	return IBAN(plain), nil
}
