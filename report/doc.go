// Package report renders what the use cases in package review return: the
// terminal text of every command (80 columns, optional colour), the stable
// JSON shapes of the command line and the API (docs/review-json.md,
// docs/forecast.md), the agenda as iCalendar and the scripts as Markdown
// and plain text. It reads no store: each function takes a result and a
// printer (language and zone) and writes or returns its form. The golden
// files under testdata hold the text forms exactly, on the demo portfolio,
// in both languages.
package report
