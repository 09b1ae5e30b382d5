package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pepalumni/memberdb/app/db"
)

// ReadyCheck says why the instance should get no traffic yet, or nil.
type ReadyCheck func(ctx context.Context) error

// AddReadyCheck makes /readyz fail while check does; serve adds the mail
// worker's connection.
func (s *Server) AddReadyCheck(check ReadyCheck) {
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	s.readyChecks = append(s.readyChecks, check)
}

// ErrMailWorkerDisconnected is the ready check's answer while the mail
// worker has no database connection.
var ErrMailWorkerDisconnected = errors.New("mail worker has lost its database connection")

// MailWorkerCheck is the ready check of a worker's connection.
func MailWorkerCheck(connected func() bool) ReadyCheck {
	return func(context.Context) error {
		if !connected() {
			return ErrMailWorkerDisconnected
		}
		return nil
	}
}

// ready is /readyz: unlike /healthz (is the process alive?) it asks
// whether a proxy should send requests here: the database answers, every
// migration is applied and the mail worker is connected.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.readiness(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "not ready: %v\n", err)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) readiness(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return errors.New("database unavailable")
	}
	n, err := db.Pending(ctx, s.pool)
	if err != nil {
		return errors.New("cannot read the applied migrations")
	}
	if n > 0 {
		return fmt.Errorf("%d migrations pending", n)
	}
	s.readyMu.Lock()
	checks := s.readyChecks
	s.readyMu.Unlock()
	for _, check := range checks {
		if err := check(ctx); err != nil {
			return err
		}
	}
	return nil
}
