// Package docs holds cartera's user documentation. The files are embedded
// in the binary so that the web app serves them (/docs/forecast): the
// pages link to these, never to files of the repository, which a user of
// the binary does not have.
package docs

import "embed"

// FS holds every page, as Markdown.
//
//go:embed *.md
var FS embed.FS
