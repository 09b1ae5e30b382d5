package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// A browser that logged in successfully gets a device cookie: a token bound
// to the user and signed with a key only the server knows (OWASP's "device
// cookies" against lockout as a denial of service). When that user's
// account is locked by someone else's guessing, the browser still gets in
// with the right password, and its own failures count against the cookie
// alone, never against the account or the client address.
const (
	deviceCookieName = "memberdb_device"
	// Only the login form reads it.
	deviceCookiePath = "/login/"
	// deviceLifetime is how long a browser stays known after its last login.
	deviceLifetime = 180 * 24 * time.Hour
	// deviceSecretPurpose names the row of auth_secrets the key comes from.
	deviceSecretPurpose = "device_cookie"
)

// deviceCookie is the cookie carrying value, a token from issueDevice.
func deviceCookie(value string, secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     deviceCookieName,
		Value:    value,
		Path:     deviceCookiePath,
		MaxAge:   int(deviceLifetime / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// issueDevice returns a new device token for userID: the user, when it was
// issued, a random nonce naming this device, and their signature.
func (s *Sessions) issueDevice(ctx context.Context, userID int64) (string, error) {
	key, err := s.deviceKey(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("auth: device nonce: %w", err)
	}
	payload := fmt.Sprintf("%d.%d.%s", userID, time.Now().Unix(), base64.RawURLEncoding.EncodeToString(nonce))
	return payload + "." + base64.RawURLEncoding.EncodeToString(signDevice(key, payload)), nil
}

// knownDevice returns the key under which the failures of the device
// presenting token are counted, if token is a device token of userID that
// this server signed within deviceLifetime; "" otherwise.
func (s *Sessions) knownDevice(ctx context.Context, token string, userID int64) (string, error) {
	if token == "" {
		return "", nil
	}
	payload, sig, ok := cutLast(token, ".")
	if !ok {
		return "", nil
	}
	fields := strings.Split(payload, ".")
	if len(fields) != 3 || fields[0] != strconv.FormatInt(userID, 10) {
		return "", nil
	}
	issued, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return "", nil
	}
	if age := time.Since(time.Unix(issued, 0)); age > deviceLifetime || age < -time.Minute {
		return "", nil
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return "", nil
	}
	key, err := s.deviceKey(ctx)
	if err != nil {
		return "", err
	}
	if !hmac.Equal(got, signDevice(key, payload)) {
		return "", nil
	}
	return "device:" + fields[2], nil
}

func signDevice(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// deviceKey returns the key device tokens are signed with, derived from the
// stored secret so that every instance signs alike.
func (s *Sessions) deviceKey(ctx context.Context) ([]byte, error) {
	s.deviceMu.Lock()
	defer s.deviceMu.Unlock()
	if s.deviceKeyCache != nil {
		return s.deviceKeyCache, nil
	}
	secret, err := s.secret(ctx, deviceSecretPurpose)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("memberdb device cookie v1"))
	s.deviceKeyCache = m.Sum(nil)
	return s.deviceKeyCache, nil
}

// secret returns the stored secret for purpose. The first caller of all
// instances draws it; the others read what it wrote.
func (s *Sessions) secret(ctx context.Context, purpose string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("auth: draw secret: %w", err)
	}
	const insert = `INSERT INTO auth_secrets (purpose, secret) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING`
	if _, err := s.Pool.Exec(ctx, insert, purpose, fresh); err != nil {
		return nil, fmt.Errorf("auth: store secret: %w", err)
	}
	// A statement of its own: it sees the row of an instance that won the
	// race, which the INSERT's snapshot might not.
	const read = `SELECT secret FROM auth_secrets WHERE purpose = $1`
	var secret []byte
	err := s.Pool.QueryRow(ctx, read, purpose).Scan(&secret)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("auth: secret %q vanished after it was stored", purpose)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read secret: %w", err)
	}
	return secret, nil
}
