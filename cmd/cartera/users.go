package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/web"
)

// runUsers manages accounts from the command line, for scripts and for
// recovery when the only owner forgot their password:
//
//	cartera users                                   list
//	cartera users add EMAIL --name N --role R       create (password on stdin)
//	cartera users password EMAIL                    set a new password (stdin)
//	cartera users token EMAIL --name N              print a new API key
func runUsers(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "users")
	var c common
	c.register(fs, false)
	name := fs.String("name", "", "")
	role := fs.String("role", "seller", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	st, done, err := a.openStore(ctx, c, 0)
	if err != nil {
		return err
	}
	defer done()
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	needEmail := func() (string, error) {
		if len(rest) != 1 {
			return "", &usageError{p.T("usage.users")}
		}
		return rest[0], nil
	}
	switch action {
	case "list":
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		return report.WriteUsers(a.stdout, users, p)
	case "add":
		email, err := needEmail()
		if err != nil {
			return err
		}
		hash, err := readPassword(a.stdin)
		if err != nil {
			return err
		}
		if *name == "" {
			*name = strings.SplitN(email, "@", 2)[0]
		}
		u, err := st.CreateUser(ctx, cartera.User{Email: email, Name: *name, Role: cartera.Role(*role), PasswordHash: hash})
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("users.added", "email", u.Email, "role", string(u.Role)))
		return nil
	case "password":
		email, err := needEmail()
		if err != nil {
			return err
		}
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if u.PasswordHash, err = readPassword(a.stdin); err != nil {
			return err
		}
		u.Disabled = false
		if _, err := st.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := web.SignOutEverywhere(ctx, st, u.ID); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("users.password_set", "email", u.Email))
		return nil
	case "token":
		email, err := needEmail()
		if err != nil {
			return err
		}
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if *name == "" {
			*name = "cli"
		}
		token, t, hash := web.NewAPIToken(u.ID, *name)
		if _, err := st.CreateToken(ctx, t, hash); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, token)
		return nil
	}
	return &usageError{p.T("usage.users")}
}

// readPassword reads one line from standard input (never from flags, which
// would leave it in the shell history) and hashes it.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return web.HashPassword(strings.TrimRight(line, "\r\n"))
}
