package server

import (
	"log/slog"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/site"
)

// MailWorkerConfig is the mail worker's configuration: without
// MAIL_SENDER it sends from the association as set in the browser, not
// from the configuration's (PeP's) name and address.
func MailWorkerConfig(cfg *config.Config, settings *site.Store, logger *slog.Logger) mail.WorkerConfig {
	wcfg := mail.NewWorkerConfig(cfg, logger)
	if !cfg.Mail.SenderSet {
		wcfg.Sender = settings.MailSender
	}
	return wcfg
}
