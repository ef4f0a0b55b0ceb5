package main

import (
	"context"
	"flag"
	"fmt"
)

func runHelp(_ context.Context, a *app, args []string) error {
	var topics []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if (arg == "--lang" || arg == "-lang") && i+1 < len(args) {
			if err := a.setLang(args[i+1]); err != nil {
				return err
			}
			i++
			continue
		}
		if v, ok := cutFlag(arg, "lang"); ok {
			if err := a.setLang(v); err != nil {
				return err
			}
			continue
		}
		topics = append(topics, arg)
	}
	for _, arg := range topics {
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
