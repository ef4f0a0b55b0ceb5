package assess

import "github.com/cartera/cartera"

// inFavour are the reasons that speak for a client (see strengths): the
// pages show them apart from the problems, in their own colour.
var inFavour = map[string]bool{
	"reason.healthy_margin":      true,
	"reason.pays_on_time":        true,
	"reason.pays_mostly_on_time": true,
	"reason.no_incidents":        true,
	"reason.family_friend":       true,
}

// InFavour reports whether a verdict's reason speaks for the client rather
// than against it.
func InFavour(m cartera.Message) bool { return inFavour[m.Key] }
