package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

var errHelpShown = errors.New("help shown")

// common are the flags most commands share.
type common struct {
	db   string
	lang string
	demo bool
}

// newFlags builds a flag set whose errors and help come out in the user's
// language.
func newFlags(a *app, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func (c *common) register(fs *flag.FlagSet, withDemo bool) {
	fs.StringVar(&c.db, "db", "", "")
	fs.StringVar(&c.lang, "lang", "", "")
	if withDemo {
		fs.BoolVar(&c.demo, "demo", false, "")
	}
}

// parse parses flags (allowing them after positional arguments, as users
// type them) and applies --lang.
func parse(a *app, fs *flag.FlagSet, c *common, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if c != nil && c.lang != "" {
					a.setLang(c.lang)
				}
				printHelp(a, fs)
				return nil, errHelpShown
			}
			return nil, &usageError{a.printer().T("cli.bad_flag", "detail", err.Error(), "command", fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
	if c != nil && c.lang != "" {
		if err := a.setLang(c.lang); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

func (a *app) setLang(s string) error {
	l, ok := i18n.Parse(s)
	if !ok {
		return &usageError{a.printer().T("cli.bad_lang", "value", s)}
	}
	a.lang = l
	return nil
}

// dbPath resolves the database: --db, then CARTERA_DB, then the user's data
// directory.
func (a *app) dbPath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := a.getenv("CARTERA_DB"); v != "" {
		return v, nil
	}
	dir, err := dataDir(a.getenv)
	if err != nil {
		return "", cartera.NewError(cartera.EINVALID, "cli.no_data_dir")
	}
	return filepath.Join(dir, "cartera", "cartera.db"), nil
}

// dataDir follows each platform's convention for application data:
// $XDG_DATA_HOME or ~/.local/share on Linux, Application Support on macOS,
// %LocalAppData% on Windows.
func dataDir(getenv env) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return d, nil
		}
		return os.UserConfigDir()
	case "darwin":
		return os.UserConfigDir()
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return d, nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(home, ".local", "share"), nil
}

// parseDay reads --as-of: ISO or day-first.
func parseDay(a *app, s string, loc *time.Location) (cartera.Date, error) {
	if s == "" || strings.EqualFold(s, "today") || strings.EqualFold(s, "hoy") {
		return cartera.DateFromTime(a.now().In(loc)), nil
	}
	d, err := cartera.ParseDate(s)
	if err != nil {
		return 0, &usageError{a.printer().T("cli.bad_date", "value", s)}
	}
	return d, nil
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// useColor follows https://no-color.org: colour only on a terminal, and
// never when NO_COLOR is set.
func (a *app) useColor() bool {
	return isTerminal(a.stdout) && a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb"
}

// nowIn is the current time in the policy's zone.
func (a *app) nowIn(p cartera.Policy) time.Time { return a.now().In(p.Location()) }
