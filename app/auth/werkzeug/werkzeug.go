// Package werkzeug verifies the password hashes of the old Flask
// application (werkzeug.security), so imported users keep their passwords
// until their first login replaces the hash with argon2id.
package werkzeug

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// ErrFormat means the hash is not one werkzeug wrote.
var ErrFormat = errors.New("werkzeug: unknown hash format")

// Is reports whether encoded looks like a werkzeug hash.
func Is(encoded string) bool {
	return strings.HasPrefix(encoded, "pbkdf2:") || strings.HasPrefix(encoded, "scrypt:")
}

// Verify reports whether password matches a werkzeug hash of the forms
// pbkdf2:sha256:N$salt$hex and scrypt:n:r:p$salt$hex.
func Verify(encoded, password string) (bool, error) {
	method, rest, ok := strings.Cut(encoded, "$")
	if !ok {
		return false, ErrFormat
	}
	salt, want, ok := strings.Cut(rest, "$")
	if !ok {
		return false, ErrFormat
	}
	wantBytes, err := hex.DecodeString(want)
	if err != nil || len(wantBytes) == 0 {
		return false, ErrFormat
	}
	parts := strings.Split(method, ":")
	var got []byte
	switch parts[0] {
	case "pbkdf2":
		got, err = pbkdf2Hash(parts[1:], salt, password, len(wantBytes))
	case "scrypt":
		got, err = scryptHash(parts[1:], salt, password, len(wantBytes))
	default:
		return false, ErrFormat
	}
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, wantBytes) == 1, nil
}

func pbkdf2Hash(params []string, salt, password string, keyLen int) ([]byte, error) {
	if len(params) < 1 || len(params) > 2 {
		return nil, ErrFormat
	}
	var h func() hash.Hash
	switch params[0] {
	case "sha256":
		h = sha256.New
	case "sha512":
		h = sha512.New
	case "sha1":
		h = sha1.New
	default:
		return nil, ErrFormat
	}
	// werkzeug 2.x wrote the iteration count; older hashes without it used
	// 260000, the default of that time.
	iterations := 260000
	if len(params) == 2 {
		n, err := strconv.Atoi(params[1])
		if err != nil || n < 1 {
			return nil, ErrFormat
		}
		iterations = n
	}
	return pbkdf2.Key(h, password, []byte(salt), iterations, keyLen)
}

func scryptHash(params []string, salt, password string, keyLen int) ([]byte, error) {
	n, r, p := 32768, 8, 1
	if len(params) == 3 {
		var errs [3]error
		n, errs[0] = strconv.Atoi(params[0])
		r, errs[1] = strconv.Atoi(params[1])
		p, errs[2] = strconv.Atoi(params[2])
		if errors.Join(errs[:]...) != nil {
			return nil, ErrFormat
		}
	} else if len(params) != 0 {
		return nil, ErrFormat
	}
	key, err := scrypt.Key([]byte(password), []byte(salt), n, r, p, keyLen)
	if err != nil {
		return nil, ErrFormat
	}
	return key, nil
}
