package capture

// WithMailBatch hands the mail writer n messages at a time, so that tests
// cut a small mailbox into several batches.
func WithMailBatch(o Options, n int) Options {
	o.mailBatch = n
	return o
}
