package main

import (
	"context"
	"flag"
	"fmt"
)

func runHelp(_ context.Context, a *app, args []string) error {
	for _, arg := range args {
		if arg == "--lang" || arg == "-lang" {
			continue
		}
		if v, ok := cutFlag(arg, "lang"); ok {
			if err := a.setLang(v); err != nil {
				return err
			}
			continue
		}
		if p := a.printer(); arg != "main" && p.Has("usage."+arg) {
			fmt.Fprintln(a.stdout, p.T("usage."+arg))
			return nil
		}
	}
	printHelp(a, nil)
	return nil
}

func cutFlag(arg, name string) (string, bool) {
	for _, pre := range []string{"--" + name + "=", "-" + name + "="} {
		if len(arg) > len(pre) && arg[:len(pre)] == pre {
			return arg[len(pre):], true
		}
	}
	return "", false
}

// printHelp prints the overview, or a command's usage when fs is set.
func printHelp(a *app, fs *flag.FlagSet) {
	p := a.printer()
	if fs != nil {
		fmt.Fprintln(a.stdout, p.T("usage."+fs.Name()))
		return
	}
	fmt.Fprintln(a.stdout, p.T("usage.main"))
}
