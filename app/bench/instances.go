package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Instances is the scenario -only instances: registrations spread over 20
// events with one memberdb and then with a second `memberdb serve` on the
// same database (each with its mail worker, as issue 19 allows), the
// clients split between them. On one machine the second instance only
// helps while memberdb, not PostgreSQL, is what the cores are busy with.
func (b *Bench) Instances(ctx context.Context) error {
	b.logf("  starting a second memberdb on the same database")
	second, base2, err := b.Env.StartExtraServer(ctx, "memberdb-2", nil)
	if err != nil {
		return err
	}
	defer second.Stop(20 * time.Second)
	var failures []string
	for _, clients := range b.Opts.Clients {
		var rates [2]float64
		for i, bases := range [][]string{{b.Env.BaseURL}, {b.Env.BaseURL, base2}} {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.settle(ctx)
			b.logf("  memberdb ×%d, %s, %d clients", len(bases), Spread.Name, clients)
			res, err := b.registrationRun(ctx, Spread, clients, fmt.Sprintf("inst%d-%d", len(bases), clients), bases...)
			if err != nil {
				failures = append(failures, fmt.Sprintf("%d instances at %d clients: %v", len(bases), clients, err))
			}
			b.logErrors(res)
			row := res.Row(fmt.Sprintf("register + confirm, %s, %d memberdb instance(s)", Spread.Name, len(bases)), stepRegistration)
			row.Errors = res.TotalErrors()
			rates[i] = row.Rate
			if i == 1 && rates[0] > 0 {
				row.Note = fmt.Sprintf("(×%.2f of one instance)", rates[1]/rates[0])
			}
			b.Rows = append(b.Rows, row)
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s", strings.Join(failures, "; "))
	}
	return nil
}
