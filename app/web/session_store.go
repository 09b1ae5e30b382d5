package web

import (
	"bytes"
	"reflect"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionRenewal is how often an unchanged session's idle expiry is
// pushed forward in the store.
const SessionRenewal = time.Minute

// SessionStore is a session store that writes an unchanged session at
// most once per SessionRenewal. scs commits every session on every
// request to push its idle expiry forward, which made each page a staff
// member opened (each keystroke in a search box) a write transaction
// waiting for the WAL flush. Skipping the renewals in between ends an idle
// session at most SessionRenewal before its idle timeout would. Data that
// changed is always written.
//
// It remembers what this process stored, and forgets it when a session
// is loaded with other data (another instance, or a concurrent request,
// wrote it since): a renewal is skipped only when the data is what the
// request loaded and what this process wrote. Another instance renews a
// session on its own; a renewal skipped here never undoes a later one
// there, because expiries only grow.
type SessionStore struct {
	scs.Store
	codec scs.Codec

	mu        sync.Mutex
	stored    map[string]storedSession
	lastSweep time.Time
}

type storedSession struct {
	data   []byte
	expiry time.Time
	at     time.Time
}

// NewSessionStore wraps store, whose sessions codec encodes.
func NewSessionStore(store scs.Store, codec scs.Codec) *SessionStore {
	return &SessionStore{Store: store, codec: codec, stored: map[string]storedSession{}}
}

// Commit writes the session unless it is a renewal that can wait.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	if s.renewalCanWait(token, b, expiry) {
		return nil
	}
	s.forget(token)
	if err := s.Store.Commit(token, b, expiry); err != nil {
		return err
	}
	s.remember(token, b, expiry)
	return nil
}

// Find loads a session and forgets what this process wrote of it when
// the stored data differs.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	b, found, err := s.Store.Find(token)
	if err != nil || !found {
		s.forget(token)
		return b, found, err
	}
	s.mu.Lock()
	prev, ok := s.stored[token]
	s.mu.Unlock()
	if ok && !bytes.Equal(prev.data, b) && !s.sameData(prev.data, b) {
		s.forget(token)
	}
	return b, found, nil
}

// Delete forgets the session too, so a token used again after its
// deletion is written again.
func (s *SessionStore) Delete(token string) error {
	s.forget(token)
	return s.Store.Delete(token)
}

func (s *SessionStore) renewalCanWait(token string, b []byte, expiry time.Time) bool {
	s.mu.Lock()
	prev, ok := s.stored[token]
	s.mu.Unlock()
	if !ok || expiry.Before(prev.expiry) || expiry.Sub(prev.expiry) >= SessionRenewal {
		return false
	}
	return bytes.Equal(prev.data, b) || s.sameData(prev.data, b)
}

// sameData compares two encodings by what they hold: gob writes a map's
// entries in Go's random order, so equal sessions may differ in bytes.
func (s *SessionStore) sameData(a, b []byte) bool {
	da, va, err := s.codec.Decode(a)
	if err != nil {
		return false
	}
	db, vb, err := s.codec.Decode(b)
	if err != nil {
		return false
	}
	return da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (s *SessionStore) remember(token string, b []byte, expiry time.Time) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored[token] = storedSession{data: bytes.Clone(b), expiry: expiry, at: now}
	// Entries older than SessionRenewal can no longer spare a write.
	if now.Sub(s.lastSweep) >= SessionRenewal {
		s.lastSweep = now
		for t, e := range s.stored {
			if now.Sub(e.at) >= SessionRenewal {
				delete(s.stored, t)
			}
		}
	}
}

func (s *SessionStore) forget(token string) {
	s.mu.Lock()
	delete(s.stored, token)
	s.mu.Unlock()
}
