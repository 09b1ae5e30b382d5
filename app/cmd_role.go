package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/pepalumni/memberdb/app/auth"
)

const roleUsage = `role create R [--all-access | LEVEL...]
  role grant R LEVEL...
  role revoke R LEVEL...`

func runRole(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 {
		return usagef("%s", roleUsage)
	}
	sub, role, levels := args[0], args[1], args[2:]
	// "role create --all-access R" would otherwise make a role named
	// "--all-access".
	if strings.HasPrefix(role, "-") {
		return usagef("the role name comes first: %s", roleUsage)
	}
	switch sub {
	case "create":
		allAccess := false
		var rest []string
		for _, a := range levels {
			if a == "--all-access" || a == "-all-access" {
				allAccess = true
				continue
			}
			if strings.HasPrefix(a, "-") {
				return usagef("unknown flag %s; use\n  %s", a, roleUsage)
			}
			rest = append(rest, a)
		}
		if allAccess && len(rest) > 0 {
			return usagef("role create takes --all-access or levels, not both")
		}
		pool, done, err := openAccounts(ctx, e)
		if err != nil {
			return err
		}
		defer done()
		if err := auth.CreateRole(ctx, pool, role, allAccess, rest); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created role %s\n", role)
		return nil
	case "grant", "revoke":
		if len(levels) == 0 {
			return usagef("role %s needs a role and at least one access level", sub)
		}
		pool, done, err := openAccounts(ctx, e)
		if err != nil {
			return err
		}
		defer done()
		change, verb := auth.Grant, "granted"
		if sub == "revoke" {
			change, verb = auth.Revoke, "revoked"
		}
		if err := change(ctx, pool, role, levels); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s: %s\n", verb, role, strings.Join(levels, ", "))
		return nil
	default:
		return usagef("unknown role command %q; use\n  %s", sub, roleUsage)
	}
}

func runAccessLevels(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("access-levels takes no arguments")
	}
	pool, done, err := openAccounts(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	levels, err := auth.ListLevels(ctx, pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCESS LEVEL\tROLES\tNOTE")
	for _, l := range levels {
		note := ""
		if !l.InUse {
			note = "no longer used by the code"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Name, strings.Join(l.Roles, ","), note)
	}
	return tw.Flush()
}
