package events

// Service is the handler's events service, for the admin console: one
// service serves both, so both mail and count alike.
func (h *Handler) Service() *Service { return h.svc }
