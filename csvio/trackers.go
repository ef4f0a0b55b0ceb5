package csvio

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

// Time trackers' exports (Toggl Track, Clockify, Harvest, or a user's
// mapping with "entity": "time") become time entries. They carry no id
// of their own and name a project rather than one of our clients: the
// entry's id is made from who worked, when and on what, and its client
// comes from the match table (a rule for the project), or else from the
// tracker's client name when it is exactly one of our clients. A project
// nothing explains is listed (FileReport.Unmatched, and in the store's
// unmatched list for `cartera match`), its rows left out: never guessed.

// TrackerMatch says how a tracker's project reached a client.
type TrackerMatch struct {
	Project string `json:"project"`
	// Client is the tracker's client name for the project.
	Client string `json:"client"`
	// ClientID is ours; By is "rule" (the match table), "name" (the
	// tracker's client is our client's name) or "column" (the file names
	// our client id).
	ClientID string `json:"client_id,omitempty"`
	By       string `json:"by,omitempty"`
	Rows     int    `json:"rows"`
}

// trackerState is what a validator keeps for tracker files.
type trackerState struct {
	rules map[string]cartera.MatchRule // project rules by normalised value
	// keys counts entries by their identity, to number repeats.
	keys map[[16]byte]int
	// groups are the projects seen, by file and normalised value.
	groups map[string]*TrackerMatch
	order  []string
	last   map[string]cartera.Date
}

func newTrackerState(rules []cartera.MatchRule) *trackerState {
	t := &trackerState{rules: map[string]cartera.MatchRule{}, keys: map[[16]byte]int{}, groups: map[string]*TrackerMatch{},
		last: map[string]cartera.Date{}}
	for _, r := range rules {
		if r.Kind == cartera.MatchProject {
			t.rules[r.Value] = r
		}
	}
	return t
}

// group counts a row under its file and project.
func (t *trackerState) group(file, project, client, clientID, by string, day cartera.Date) {
	k := file + "\x00" + cartera.NormalizeMatch(cartera.MatchProject, project) + "\x00" + cartera.NormalizeMatch(cartera.MatchProject, client)
	g, ok := t.groups[k]
	if !ok {
		g = &TrackerMatch{Project: strings.Clone(project), Client: strings.Clone(client), ClientID: strings.Clone(clientID), By: by}
		t.groups[k] = g
		t.order = append(t.order, k)
	}
	g.Rows++
	if day > t.last[k] {
		t.last[k] = day
	}
}

// report fills the file reports with the projects matched and unmatched,
// and returns what the store's unmatched list should hold.
func (t *trackerState) report(files []*opened) []cartera.Unmatched {
	var out []cartera.Unmatched
	seen := map[string]int{}
	for _, k := range t.order {
		file, _, _ := strings.Cut(k, "\x00")
		g := t.groups[k]
		for _, f := range files {
			if f.src.Name != file {
				continue
			}
			if g.ClientID == "" {
				f.rep.Unmatched = append(f.rep.Unmatched, *g)
			} else {
				f.rep.Matched = append(f.rep.Matched, *g)
			}
		}
		if g.ClientID != "" {
			continue
		}
		v := g.Project
		if strings.TrimSpace(v) == "" {
			v = g.Client
		}
		v = cartera.NormalizeMatch(cartera.MatchProject, v)
		if i, ok := seen[v]; ok {
			out[i].Seen += g.Rows
			out[i].Last = max(out[i].Last, t.last[k])
			continue
		}
		seen[v] = len(out)
		out = append(out, cartera.Unmatched{Kind: cartera.MatchProject, Value: v, Source: "tracker", Hint: g.Client,
			Seen: g.Rows, Last: t.last[k]})
	}
	for _, f := range files {
		sort.SliceStable(f.rep.Unmatched, func(i, j int) bool { return f.rep.Unmatched[i].Rows > f.rep.Unmatched[j].Rows })
	}
	return out
}

// trackerTime validates a time entry of a tracker's export. It returns
// false when the row has a problem (reported) or no client (listed).
func (c *checker) trackerTime() (cartera.TimeEntry, cartera.Provenance, bool) {
	v, t := c.v, c.v.trackers
	x := cartera.TimeEntry{Day: c.date("date", true), Billable: true, Note: c.text("note", false)}
	project, client, task := c.text("project", false), c.text("client", false), c.text("task", false)
	user, start := c.text("user", false), c.text("start_time", false)
	if x.Note == "" {
		x.Note = task
	} else if task != "" {
		x.Note = task + ": " + x.Note
	}
	if len(x.Note) > maxText {
		x.Note = x.Note[:maxText]
	}
	if s := c.val("hours"); s == "" {
		c.fail("hours", problem("value.required"))
	} else {
		var bad *cartera.Message
		if x.Hours, bad = parseDuration(s); bad != nil {
			c.fail("hours", bad)
		}
	}
	if s := c.val("billable"); s != "" {
		var bad *cartera.Message
		if x.Billable, bad = parseBool(s); bad != nil {
			c.fail("billable", bad)
		}
	}
	var by string
	switch {
	case c.val("client_id") != "":
		x.ClientID, _ = c.client()
		by = "column"
	default:
		for _, name := range []string{project, client} {
			if r, ok := t.rules[cartera.NormalizeMatch(cartera.MatchProject, name)]; ok && strings.TrimSpace(name) != "" {
				if r.Role == cartera.RoleIgnore {
					return x, cartera.Provenance{}, false
				}
				x.ClientID, by = r.ClientID, "rule"
				break
			}
		}
		if x.ClientID == "" && client != "" {
			if id, ok := v.names.find(client); ok {
				x.ClientID, by = id, "name"
			}
		}
	}
	// Who, when and on what: the same entry exported again gets the same
	// id, so that a re-import updates its hours instead of adding them.
	// Repeats are numbered in file order, matched or not, so that a rule
	// added later does not renumber them.
	key := strings.Join([]string{user, x.Day.String(), start, project, task, c.val("note")}, "\x1f")
	sum := sha256.Sum256([]byte(key))
	var k [16]byte
	copy(k[:], sum[:])
	n := t.keys[k]
	t.keys[k] = n + 1
	orig := strings.TrimSpace(strings.Join([]string{user, x.Day.String(), start, project}, " "))
	if n > 0 {
		sum = sha256.Sum256([]byte(key + "\x1f" + strconv.Itoa(n)))
		orig += " #" + strconv.Itoa(n+1)
	}
	x.ID = c.f.lay.mapping.IDPrefix + hex.EncodeToString(sum[:8])
	y := x
	if y.ClientID == "" {
		y.ClientID = "?" // an unmatched row is listed, not an error: its other values still must be right
	}
	c.check(y.Validate(c.today()))
	if c.bad {
		return x, cartera.Provenance{}, false
	}
	t.group(c.f.src.Name, project, client, x.ClientID, by, x.Day)
	if x.ClientID == "" {
		return x, cartera.Provenance{}, false
	}
	p := cartera.Provenance{Entity: cartera.EntityTime, RecordID: x.ID, Source: strings.TrimSuffix(c.f.lay.mapping.IDPrefix, "-"),
		Origin: c.f.src.Name, OriginalID: orig}
	if p.Source == "" {
		p.Source = c.f.lay.mapping.Name
	}
	return x, p, true
}

// parseDuration reads a tracker's duration: hours, minutes and seconds
// ("01:30:00"), hours and minutes ("1:30"), or decimal hours with a point
// or a comma ("1.5", "1,25", "0.3333"), rounded to hundredths of an hour.
func parseDuration(s string) (cartera.Hours, *cartera.Message) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return 0, problem("value.not_hours", "value", s)
		}
		var secs int64
		for i, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n < 0 || (i > 0 && (n > 59 || len(p) != 2)) || n > 1e6 {
				return 0, problem("value.not_hours", "value", s)
			}
			secs = secs*60 + n
		}
		if len(parts) == 2 {
			secs *= 60
		}
		return cartera.Hours(cartera.MulDivRound(secs, 100, 3600)), nil
	}
	t := strings.ReplaceAll(s, ",", ".")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || strings.ContainsAny(t, "eEnNxX") {
		return 0, problem("value.not_hours", "value", s)
	}
	if f < 0 {
		return 0, problem("value.negative_hours", "value", s)
	}
	if f > 24*366 {
		return 0, problem("value.too_large", "value", s)
	}
	h := int64(f*100 + 0.5)
	return cartera.Hours(h), nil
}
