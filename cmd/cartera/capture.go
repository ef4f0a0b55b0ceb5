package main

import (
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
)

// capture shows a capture's progress on the bar.
func (b *progressBar) capture(pr capture.Progress) {
	b.update(csvio.Progress{File: pr.Source, Done: pr.Done, Total: pr.Total, Rows: pr.Items})
}
