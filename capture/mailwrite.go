package capture

import (
	"context"
	"sort"

	"github.com/cartera/cartera"
)

// mailWriter writes a mail import's messages and candidates into the
// import's transaction while the mailbox is still being read
// (Options.WriteAsRead). Readers keep both cores busy and writing is one
// goroutine's work: done after the reading, it was a quarter of a first
// import's time; done meanwhile, the two share the cores.
//
// It also reads, for every client the mailbox names, the messages stored
// before the run (by the store's readers, which do not see the open
// transaction), so that a message stored as it was read is not written
// again and the mail summaries need no query of their own afterwards.
type mailWriter struct {
	ctx     context.Context
	st      cartera.Store
	tx      cartera.ImportTx
	batches chan mailWrite
	done    chan error
	err     error
	// The rest is the writer goroutine's until done is read.
	//
	// stored holds the messages stored before the run, by client, for
	// every client loaded (nil for one that has none).
	stored map[string][]cartera.MailMessage
	// current is each message as the transaction holds it now: stored
	// before the run, or written by it.
	current map[messageKey]cartera.MailMessage
	// newCands are the candidates the run adds to the queue, in the
	// order they were found.
	newCands []cartera.Candidate
}

// messageKey is a stored message's key: its client and id.
type messageKey struct{ client, id string }

// mailWrite is what the run read since the last batch.
type mailWrite struct {
	msgs  []cartera.MailMessage
	cands []cartera.Candidate
}

func newMailWriter(ctx context.Context, st cartera.Store, tx cartera.ImportTx) *mailWriter {
	w := &mailWriter{ctx: ctx, st: st, tx: tx, batches: make(chan mailWrite, 4), done: make(chan error, 1),
		stored: map[string][]cartera.MailMessage{}, current: map[messageKey]cartera.MailMessage{}}
	batches := w.batches // finish clears the field
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				err = w.write(b)
			}
		}
		w.done <- err
	}()
	return w
}

// send hands a batch to the writer (waiting while it has four to do).
func (w *mailWriter) send(b mailWrite) {
	if w.batches != nil && (len(b.msgs) > 0 || len(b.cands) > 0) {
		w.batches <- b
	}
}

// finish waits for the writer to write everything sent and says how it
// went; it may be called again.
func (w *mailWriter) finish() error {
	if w.batches != nil {
		close(w.batches)
		w.batches = nil
		w.err = <-w.done
	}
	return w.err
}

// write writes one batch: the messages that are not stored as they are,
// and the candidates the queue has never held.
func (w *mailWriter) write(b mailWrite) error {
	var load []string
	for _, m := range b.msgs {
		if _, ok := w.stored[m.ClientID]; !ok {
			w.stored[m.ClientID] = nil
			load = append(load, m.ClientID)
		}
	}
	if len(load) > 0 {
		sort.Strings(load)
		if err := w.st.EachMailMessage(w.ctx, load, func(m cartera.MailMessage) error {
			w.stored[m.ClientID] = append(w.stored[m.ClientID], m)
			w.current[messageKey{m.ClientID, m.ID}] = m
			return nil
		}); err != nil {
			return err
		}
	}
	var rows []cartera.MailMessage
	at := map[messageKey]int{} // a message read twice in a batch is written once, as last read
	for _, m := range b.msgs {
		k := messageKey{m.ClientID, m.ID}
		if cur, ok := w.current[k]; ok && sameMessage(cur, m) {
			continue
		}
		w.current[k] = m
		if i, ok := at[k]; ok {
			rows[i] = m
			continue
		}
		at[k] = len(rows)
		rows = append(rows, m)
	}
	if len(rows) > 0 {
		if err := w.tx.PutMailMessages(w.ctx, rows); err != nil {
			return err
		}
	}
	n := len(w.newCands)
	var err error
	if w.newCands, err = newCandidates(w.ctx, w.st, b.cands, w.newCands); err != nil {
		return err
	}
	if fresh := w.newCands[n:]; len(fresh) > 0 {
		return w.tx.PutCandidates(w.ctx, fresh)
	}
	return nil
}

// sameMessage says whether two versions of a message store the same.
func sameMessage(a, b cartera.MailMessage) bool {
	return a.ClientID == b.ClientID && a.ContactID == b.ContactID && a.At.Equal(b.At) && a.Outbound == b.Outbound &&
		a.Key == b.Key && a.ReplyTo == b.ReplyTo
}
