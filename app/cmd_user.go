package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/term"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/server"
)

const userUsage = `user create --username U --email E --name N [--role R]... [--password-stdin]
  user passwd U [--password-stdin]
  user list`

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("%s", userUsage)
	}
	switch args[0] {
	case "create":
		return userCreate(ctx, e, args[1:])
	case "passwd":
		return userPasswd(ctx, e, args[1:])
	case "list":
		if len(args) > 1 {
			return usagef("user list takes no arguments")
		}
		return userList(ctx, e)
	default:
		return usagef("unknown user command %q; use\n  %s", args[0], userUsage)
	}
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func userCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var acc auth.NewAccount
	var roles stringList
	fs.StringVar(&acc.Username, "username", "", "user name for logging in")
	fs.StringVar(&acc.Email, "email", "", "mail address of the user's person (an existing person with it is reused)")
	fs.StringVar(&acc.Name, "name", "", "full name of the user's person")
	fs.Var(&roles, "role", "role to give the user (repeatable)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 || acc.Username == "" || acc.Email == "" || acc.Name == "" {
		return usagef("user create needs --username, --email and --name, and nothing else")
	}
	acc.Roles = roles
	password, err := readPassword(e, *fromStdin)
	if err != nil {
		return err
	}
	acc.Password = password
	pool, done, err := openAccounts(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if _, err := auth.CreateUser(ctx, pool, acc); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created user %s", acc.Username)
	if len(roles) > 0 {
		fmt.Fprintf(e.stdout, " with roles %s", strings.Join(roles, ", "))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func userPasswd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user passwd", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	// The user name may come before or after the flag.
	var username string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		username, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if username == "" && fs.NArg() == 1 {
		username = fs.Arg(0)
	} else if fs.NArg() > 0 || username == "" {
		return usagef("user passwd needs exactly one user name")
	}
	password, err := readPassword(e, *fromStdin)
	if err != nil {
		return err
	}
	pool, done, err := openAccounts(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if err := auth.SetPassword(ctx, pool, username, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password of %s changed; their sessions have ended\n", username)
	return nil
}

func userList(ctx context.Context, e *env) error {
	pool, done, err := openAccounts(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	users, err := auth.ListUsers(ctx, pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tEMAIL\tROLES\tSTATUS")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Name, u.Email, strings.Join(u.Roles, ","), status)
	}
	return tw.Flush()
}

// readPassword prompts twice without echo on a terminal; otherwise, or with
// --password-stdin, it reads the first line of standard input.
func readPassword(e *env, fromStdin bool) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "new password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "repeat it: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), auth.CheckNewPassword(string(first))
	}
	if e.stdin == nil {
		return "", usagef("no password: give it on standard input with --password-stdin")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", usagef("no password on standard input")
	}
	return password, auth.CheckNewPassword(password)
}

// openAccounts connects, migrates (unless MIGRATE_ON_START=false) and
// writes the access levels the code declares, so roles can name them.
func openAccounts(ctx context.Context, e *env) (*pgxpool.Pool, func(), error) {
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*pgxpool.Pool, func(), error) {
		pool.Close()
		return nil, nil, err
	}
	if cfg.MigrateOnStart {
		if _, err := db.MigrateUp(pool); err != nil {
			return fail(err)
		}
	}
	// The declared levels are known only to the assembled router.
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: e.logger})
	if err != nil {
		return fail(err)
	}
	defer srv.Close()
	if err := srv.Start(ctx, pool); err != nil {
		return fail(err)
	}
	return pool, pool.Close, nil
}
