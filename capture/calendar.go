package capture

import (
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/ical"
)

// Calendars: each occurrence of an event up to now whose attendees (or
// organizer) include a client's people is a meeting with that client.
//
//   - Held (not cancelled, not declined by the client's people, ended by
//     now): a meeting_held signal on each of the client's open deals that
//     existed that day (only the rule's deal when the match rule names
//     one), and decision_maker_met too when one of them is a director or
//     above. With the client's meeting rule, a time entry for its length.
//   - Cancelled (STATUS:CANCELLED) or declined by every one of the
//     client's people: a postponed signal, dated when it was cancelled
//     (the event's last change) or on its day, whichever came first.
//   - Still to come: nothing yet; the next import will see it.
//
// An occurrence keeps one signal id per deal whatever becomes of it, so a
// meeting that is cancelled after an import turns its signal into a
// postponed one instead of adding a second.

// readCalendar reads one iCalendar source.
func (r *run) readCalendar(s Source) error {
	rc, err := s.Open()
	if err != nil {
		r.problem(s.Name, 1, "import.cannot_open", "reason", err.Error())
		return nil
	}
	defer rc.Close()
	cals, err := ical.Read(rc)
	if err != nil {
		if pe, ok := err.(*ical.ParseError); ok {
			r.problem(s.Name, pe.Line, pe.Key, pe.Args...)
			return nil
		}
		r.problem(s.Name, 1, "import.cannot_read", "reason", err.Error())
		return nil
	}
	sr := SourceReport{Name: s.Name, Kind: KindCalendar, Format: "ics"}
	var events []ical.Event
	for _, c := range cals {
		evs, err := ical.Events(c, r.o.Location)
		if err != nil {
			if pe, ok := err.(*ical.ParseError); ok {
				r.problem(s.Name, pe.Line, pe.Key, pe.Args...)
				return nil
			}
			return err
		}
		events = append(events, evs...)
	}
	occ, partial := ical.Occurrences(events, r.o.Now)
	sr.Partial = partial
	via := s.Via
	if via == "" {
		via = "ics"
	}
	origin := s.Origin
	if origin == "" {
		origin = s.Name
	}
	for _, o := range occ {
		sr.Items++
		matched, err := r.meeting(o, via, origin)
		if err != nil {
			return err
		}
		if matched {
			sr.Matched++
		}
		if r.o.Progress != nil && sr.Items%500 == 0 {
			r.o.Progress(Progress{Source: s.Name, Items: int64(sr.Items)})
		}
	}
	r.rep.Sources = append(r.rep.Sources, sr)
	return nil
}

// party is one client's people at a meeting.
type party struct {
	who      cartera.Who
	accepted bool // someone of theirs did not decline
	senior   bool // a director or above among them
}

// meeting turns one occurrence into records; it says whether any client
// was at it.
func (r *run) meeting(o ical.Occurrence, via, origin string) (bool, error) {
	day := cartera.DateFromTime(o.Start.In(r.o.Location))
	people := append([]ical.Person{o.Organizer}, o.Attendees...)
	parties := map[string]*party{}
	var order []string
	for i, p := range people {
		if p.Email == "" {
			continue
		}
		w, ok := r.id.Address(p.Email)
		if !ok {
			r.rec.miss(cartera.MatchEmail, p.Email, KindCalendar, p.Name, day)
			continue
		}
		if w.Role != cartera.RoleClient {
			continue
		}
		k := w.ClientID + "\x00" + w.DealID
		pt, seen := parties[k]
		if !seen {
			pt = &party{who: w}
			parties[k] = pt
			order = append(order, k)
		}
		// The organizer of their own meeting has not declined it.
		if i == 0 || p.PartStat != "DECLINED" {
			pt.accepted = true
		}
		if w.Seniority >= cartera.SeniorityDirector {
			pt.senior = true
		}
	}
	if len(order) == 0 {
		return false, nil
	}
	inst := ""
	if !o.Instant.IsZero() {
		inst = o.Instant.UTC().Format("20060102T150405Z")
	}
	orig := o.UID
	if inst != "" {
		orig += " " + inst
	}
	prov := cartera.Provenance{Source: via, Origin: origin, OriginalID: orig}
	cancelled := o.Status == "CANCELLED"
	ended := !o.End.After(r.o.Now)
	for _, k := range order {
		pt := parties[k]
		gone := cancelled || !pt.accepted
		sday := day
		switch {
		case gone:
			// When it was called off: its last change, if before the day.
			if !o.Changed.IsZero() {
				if c := cartera.DateFromTime(o.Changed.In(r.o.Location)); c < sday {
					sday = c
				}
			}
			if sday > r.today {
				continue // it is not news yet
			}
		case !ended:
			continue // still to come
		}
		deals, err := r.dealsFor(pt.who, sday)
		if err != nil {
			return false, err
		}
		note := truncate(strings.TrimSpace(o.Summary), 300)
		for _, d := range deals {
			s := cartera.Signal{ID: idOf("ics-", o.UID, inst, d.ID), DealID: d.ID, Kind: cartera.SignalMeetingHeld, Day: sday,
				Source: "meeting", Note: note}
			if gone {
				s.Kind = cartera.SignalPostponed
			}
			r.rec.signal(s, prov)
			if !gone && pt.senior {
				s.ID, s.Kind = idOf("ics-dm-", o.UID, inst, d.ID), cartera.SignalDecisionMakerMet
				r.rec.signal(s, prov)
			}
		}
		if gone {
			continue
		}
		rule := r.cfg.meetingTime(pt.who.ClientID)
		if rule != "billable" && rule != "non_billable" || o.AllDay {
			continue
		}
		// The meeting's length, shared between the clients at it.
		hours := cartera.Hours(cartera.MulDivRound(int64(o.End.Sub(o.Start)/time.Second), 100, 3600*int64(len(order))))
		if hours <= 0 {
			continue
		}
		t := cartera.TimeEntry{ID: idOf("ics-", o.UID, inst, pt.who.ClientID), ClientID: pt.who.ClientID, Day: day, Hours: hours,
			Billable: rule == "billable", Note: note}
		r.rec.time(t, prov)
	}
	return true, nil
}
