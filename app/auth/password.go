package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/pepalumni/memberdb/app/auth/werkzeug"
)

// MinPasswordLength is the shortest password anyone may set.
const MinPasswordLength = 10

// ErrPasswordTooShort refuses a password under MinPasswordLength characters.
var ErrPasswordTooShort = fmt.Errorf("auth: a password needs at least %d characters", MinPasswordLength)

// argon2id parameters: OWASP's minimum is 19 MiB with two passes.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
	// A stored hash may ask for at most this much memory, so a tampered
	// row cannot make a login allocate without bound.
	argonMaxMemory = 1 << 20 // 1 GiB in KiB
)

var errHashFormat = errors.New("auth: unknown password hash format")

// HashPassword returns the argon2id hash of password in PHC format:
// $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	return encodeArgon2(password, argon2Params{memory: argonMemory, time: argonTime, threads: argonThreads, salt: salt}), nil
}

// encodeArgon2 hashes password with p's parameters and salt.
func encodeArgon2(password string, p argon2Params) string {
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(p.salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether password matches encoded, an argon2id hash
// or one of the old system's werkzeug hashes. rehash is true when the match
// was against a weaker hash that should be replaced by HashPassword now that
// the password is known. Unusable hashes ("!", empty) never match.
func VerifyPassword(encoded, password string) (ok, rehash bool, err error) {
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		p, err := parseArgon2(encoded)
		if err != nil {
			return false, false, err
		}
		got := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
		ok := subtle.ConstantTimeCompare(got, p.key) == 1
		weaker := p.memory < argonMemory || p.time < argonTime
		return ok, ok && weaker, nil
	case werkzeug.Is(encoded):
		ok, err := werkzeug.Verify(encoded, password)
		return ok, ok, err
	default:
		return false, false, nil
	}
}

// dummyHash is verified for unknown users so that a wrong name takes as long
// as a wrong password and the answer time tells nothing.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("no user has this password, it only takes time")
	if err != nil {
		panic(err)
	}
	return h
})

// burnTime verifies password against the dummy hash.
func burnTime(password string) { _, _, _ = VerifyPassword(dummyHash(), password) }

type argon2Params struct {
	memory    uint32
	time      uint32
	threads   uint8
	salt, key []byte
}

func parseArgon2(encoded string) (argon2Params, error) {
	var p argon2Params
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 {
		return p, errHashFormat
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, errHashFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, errHashFormat
	}
	if p.memory == 0 || p.memory > argonMaxMemory || p.time == 0 || p.time > 100 || p.threads == 0 {
		return p, errHashFormat
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) == 0 {
		return p, errHashFormat
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 {
		return p, errHashFormat
	}
	return p, nil
}

// CheckNewPassword refuses passwords that are too short. Length counts
// characters, not bytes, so umlauts count once.
func CheckNewPassword(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrPasswordTooShort
	}
	return nil
}
