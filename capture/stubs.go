package capture

import "github.com/cartera/cartera"

type mailBatch struct{}

// DefaultScopePhrases are the words that make a client's message a
// candidate demand outside scope.
var DefaultScopePhrases = []string{}

func (r *run) readMail(s Source) error                   { r.problem(s.Name, 1, "capture.unknown_source"); return nil }
func (r *run) deriveMail() error                         { return nil }
func (r *run) planMail() error                           { return nil }
func (r *run) writeMail(_ any, _ cartera.ImportTx) error { return nil }
