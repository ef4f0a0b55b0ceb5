// Command realdata turns public CRM datasets, downloaded beforehand, into
// one deals CSV each that `cartera import --map` reads with the mapping
// files next to this program (docs/forecast.md, "On real data"). It
// downloads nothing and invents no outcome: each row keeps the dataset's
// own result, and where a dataset lacks a field the output leaves it out.
//
//	go run ./bench/realdata -olist /work/data/olist -bank /work/data/bank -out /tmp/realdata
//
// Olist (Brazilian marketplace, marketing funnel, CC BY-NC-SA 4.0):
// olist_marketing_qualified_leads_dataset.csv (8,000 leads with their
// first contact day and origin) and olist_closed_deals_dataset.csv (the 842
// that signed, with the day they did). A lead is won on its won_date. A
// lead that never signed is closed lost 180 days after its first contact,
// the rule a sales team applies to leads that go nowhere (the data does
// not say when they were given up; 91 % of the signed leads signed within
// 180 days, and those that signed later stay won). The seller and the
// declared revenue are only recorded for signed leads, so they would
// betray the outcome: they are left out.
//
// UCI Bank Marketing (a Portuguese bank's phone campaigns for a term
// deposit, May 2008 to November 2010, CC BY 4.0): bank-full.csv, 45,211
// clients called, each with the day and month of their last call in the
// campaign and whether they subscribed. The file is ordered by date and
// gives no year: the year starts at 2008 and goes up each time the month
// goes back. The last call is the day the outcome was known, won or lost:
// that is the close day. When a client was put on the call list is not
// recorded, so every lead is opened on the first day of the month of its
// last call — the same rule for both outcomes, so it says nothing of the
// result; its effect is that each lead is scored once, on the first of its
// month, with what the months before taught. The title is the client's
// history with the bank's campaigns (the previous campaign's outcome, or
// "new" for one never called before). The last call's duration is left out: it is known only once the
// outcome is (a call that ends in a sale is long).
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	olist := flag.String("olist", "", "folder with the two Olist marketing-funnel CSV files")
	bank := flag.String("bank", "", "folder with the UCI Bank Marketing bank-full.csv")
	out := flag.String("out", "", "folder to write the deals files into")
	flag.Parse()
	if *out == "" || (*olist == "" && *bank == "") {
		fmt.Fprintln(os.Stderr, "usage: realdata [-olist DIR] [-bank DIR] -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if *olist != "" {
		if err := convertOlist(*olist, filepath.Join(*out, "olist.csv")); err != nil {
			fail(err)
		}
	}
	if *bank != "" {
		if err := convertBank(*bank, filepath.Join(*out, "bank.csv")); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "realdata:", err)
	os.Exit(1)
}

func readCSV(path string) ([][]string, error) {
	return readCSVSep(path, ',')
}

func readCSVSep(path string, sep rune) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = sep
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, rec)
	}
}

// olistDay reads "01-02-2018" or "26-02-2018 19:58" (day first).
func olistDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return time.Parse("02-01-2006", s)
}

// lostAfter is how many days after its first contact a lead that never
// signed is closed lost.
const lostAfter = 180

func convertOlist(dir, dst string) error {
	leads, err := readCSV(filepath.Join(dir, "olist_marketing_qualified_leads_dataset.csv"))
	if err != nil {
		return err
	}
	closed, err := readCSV(filepath.Join(dir, "olist_closed_deals_dataset.csv"))
	if err != nil {
		return err
	}
	won := map[string]time.Time{}
	for _, r := range closed[1:] {
		d, err := olistDay(r[4])
		if err != nil {
			return fmt.Errorf("won_date %q: %w", r[4], err)
		}
		won[r[0]] = d
	}
	type row struct {
		id, origin       string
		created, closing time.Time
		won              bool
	}
	var rows []row
	for _, r := range leads[1:] {
		c, err := olistDay(r[1])
		if err != nil {
			return fmt.Errorf("first_contact_date %q: %w", r[1], err)
		}
		x := row{id: r[0], origin: r[3], created: c, closing: c.AddDate(0, 0, lostAfter)}
		if w, ok := won[r[0]]; ok {
			x.won, x.closing = true, w
		}
		if x.closing.Before(x.created) {
			x.closing = x.created // a few deals are signed before the lead's recorded first contact
		}
		if x.origin == "" {
			x.origin = "unknown"
		}
		rows = append(rows, x)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].id < rows[j].id })
	out := [][]string{{"lead", "origin", "status", "first_contact", "closed"}}
	for _, x := range rows {
		out = append(out, []string{x.id, x.origin, status(x.won), x.created.Format("2006-01-02"), x.closing.Format("2006-01-02")})
	}
	return writeCSV(dst, out)
}

func status(won bool) string {
	if won {
		return "won"
	}
	return "lost"
}

func writeCSV(dst string, rows [][]string) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// bankFirstYear is the year of the file's first call (May 2008).
const bankFirstYear = 2008

func convertBank(dir, dst string) error {
	rows, err := readCSVSep(filepath.Join(dir, "bank-full.csv"), ';')
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("bank-full.csv is empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"day", "month", "pdays", "poutcome", "y"} {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("bank-full.csv: no %q column", h)
		}
	}
	out := [][]string{{"lead", "history", "status", "first_contact", "closed"}}
	year, last := bankFirstYear, time.Time{}
	for n, r := range rows[1:] {
		m, ok := months[r[col["month"]]]
		if !ok {
			return fmt.Errorf("bank-full.csv line %d: month %q", n+2, r[col["month"]])
		}
		day, err := strconv.Atoi(r[col["day"]])
		if err != nil || day < 1 || day > 31 {
			return fmt.Errorf("bank-full.csv line %d: day %q", n+2, r[col["day"]])
		}
		if !last.IsZero() && m < last.Month() {
			year++ // the file is ordered by date: a month going back is a new year
		}
		closed := time.Date(year, m, day, 0, 0, 0, 0, time.UTC)
		if closed.Before(last) {
			return fmt.Errorf("bank-full.csv line %d: %s comes before %s; the file must be in date order",
				n+2, closed.Format("2006-01-02"), last.Format("2006-01-02"))
		}
		last = closed
		history := r[col["poutcome"]]
		if r[col["pdays"]] == "-1" {
			history = "new" // not called in an earlier campaign
		}
		out = append(out, []string{fmt.Sprintf("bank-%05d", n+1), "previous campaign: " + history, status(r[col["y"]] == "yes"),
			time.Date(year, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), closed.Format("2006-01-02")})
	}
	return writeCSV(dst, out)
}
