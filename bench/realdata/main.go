// Command realdata turns public CRM datasets, downloaded beforehand, into
// one deals CSV each that `cartera import --map` reads with the mapping
// files next to this program (docs/forecast.md, "On real data"). It
// downloads nothing and invents no outcome: each row keeps the dataset's
// own result, and where a dataset lacks a field the output leaves it out.
//
//	go run ./bench/realdata -olist /work/data/olist -out /tmp/realdata
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
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	olist := flag.String("olist", "", "folder with the two Olist marketing-funnel CSV files")
	out := flag.String("out", "", "folder to write the deals files into")
	flag.Parse()
	if *out == "" || *olist == "" {
		fmt.Fprintln(os.Stderr, "usage: realdata -olist DIR -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if err := convertOlist(*olist, filepath.Join(*out, "olist.csv")); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "realdata:", err)
	os.Exit(1)
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
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
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"lead", "origin", "status", "first_contact", "closed"})
	for _, x := range rows {
		status := "lost"
		if x.won {
			status = "won"
		}
		w.Write([]string{x.id, x.origin, status, x.created.Format("2006-01-02"), x.closing.Format("2006-01-02")})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
