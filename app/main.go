// Command memberdb is the member database and event registration of an
// association. Run `memberdb help` for its commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/pepalumni/memberdb/app/web"
)

// command is one subcommand; it returns errUsage for bad arguments.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets: where to write and how to log.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
}

var errUsage = errors.New("usage")

// usagef is errUsage with what was wrong about the arguments.
func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

func commands() map[string]command {
	return map[string]command{
		"serve":         {"serve HTTP (the default); applies pending migrations unless MIGRATE_ON_START=false", runServe},
		"dev":           {"development server: a private database in .data/postgres unless DATABASE_URL is set, demo data, DEV=true", runDev},
		"migrate":       {"migrate up|down [N]|status: apply or roll back the embedded migrations", runMigrate},
		"seed":          {"write demo data into an empty database", runSeed},
		"import-legacy": {"import-legacy --from URL [--dry-run] [--merge]: move the old Flask member database in", runImportLegacy},
		"user":          {"user create|passwd|list: manage the users who log in", runUser},
		"role":          {"role create|grant|revoke: manage roles and their access levels", runRole},
		"access-levels": {"list the access levels and the roles holding them", runAccessLevels},
		"mail-worker":   {"deliver queued mail without serving HTTP (serve runs a worker too)", runMailWorker},
		"purge":         {"purge [--dry-run]: delete the personal data whose retention has passed (serve does it daily)", runPurge},
		"backup":        {"backup FILE: write a pg_dump (custom format) of the database to FILE, using pg_dump from PATH", runBackup},
		"restore":       {"restore FILE: restore a backup into the empty database of DATABASE_URL, using pg_restore from PATH", runRestore},
		"fees":          {"fees run --year YYYY --due YYYY-MM-DD: create a collection run, queue its mails, print its id", runFees},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		logger: web.NewLogger(os.Stderr, "text"),
	})
	stop()
	os.Exit(code)
}

// run dispatches to a command and maps its error to an exit code:
// 0 done, 1 failed, 2 wrong usage.
func run(ctx context.Context, args []string, e *env) int {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	cmds := commands()
	cmd, ok := cmds[name]
	if name == "help" || name == "-h" || name == "--help" || !ok {
		printHelp(e.stderr, cmds)
		if ok || name == "help" || name == "-h" || name == "--help" {
			return 0
		}
		fmt.Fprintf(e.stderr, "\nunknown command %q\n", name)
		return 2
	}
	err := cmd.run(ctx, e, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(e.stderr, "memberdb %s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(e.stderr, "memberdb %s: %v\n", name, err)
		return 1
	}
}

func printHelp(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: memberdb <command> [arguments]\n\ncommands:")
	for _, name := range slices.Sorted(maps.Keys(cmds)) {
		fmt.Fprintf(w, "  %-15s %s\n", name, cmds[name].summary)
	}
}
