package csvio

import (
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

// The checks of deals and signals: the deal a row names, its dates,
// probabilities, mapped amounts and stages.

// deal validates a deal: its client (when named) and currency, its stage
// against the pipeline, and the rules every deal follows. Files read
// through a mapping (vendor exports) take the same path, with their stage
// labels, outcomes, dates and company names translated on the way.
func (c *checker) deal(id string) (cartera.Deal, bool) {
	if c.m != nil {
		id = c.f.lay.mapping.IDPrefix + id
		if len(id) > maxID {
			c.fail("id", problem("value.too_long", "max", maxID))
		}
	}
	x := cartera.Deal{ID: id, Prospect: c.text("prospect", false), Title: c.text("title", false), Owner: c.text("owner", false),
		StageSince: c.date("stage_since", false), ExpectedClose: c.date("expected_close", false),
		Created: c.date("created", true), Closed: c.date("closed", false), LostReason: c.text("lost_reason", false),
		Competitor: c.text("competitor", false)}
	cur := c.v.o.Currency
	if client := c.val("client_id"); client != "" {
		cc, ok := c.v.clients[client]
		if !ok {
			c.fail("client_id", problem("value.unknown_client", "value", client))
		}
		x.ClientID, cur = client, cc
	} else if company := c.text("company", false); company != "" {
		// A vendor's organisation is one of our clients when the name
		// says so; otherwise it is the prospect.
		if client, ok := c.v.names.find(company); ok {
			x.ClientID, cur = client, c.v.clients[client]
			c.note("client_id", "company")
		} else if x.Prospect == "" {
			x.Prospect = company
			c.note("prospect", "company")
		}
		if x.Title == "" {
			x.Title = company
		}
	}
	currencyGiven := false
	if s := c.val("currency"); s != "" {
		cu, err := cartera.ParseCurrency(s)
		switch {
		case err != nil:
			c.fail("currency", problem("value.unknown_currency", "value", s))
		case x.ClientID != "" && cur != "" && cu != cur:
			c.fail("currency", problem("value.currency_mismatch", "value", string(cu), "client", string(cur)))
		}
		cur, currencyGiven = cu, true
	}
	if c.m != nil {
		x.Value = c.mappedMoney(cur, x.ClientID != "" || currencyGiven)
		cur = x.Value.Currency
	} else {
		x.Value = c.money("value", cur, true)
	}
	if old, ok := c.v.deals.currency(id); ok && cur != "" && old != cur && !c.bad {
		c.fail("currency", problem("deal.currency_change", "value", string(cur), "old", string(old)))
	}
	if c.m != nil {
		c.mappedStage(&x)
	} else {
		x.Stage = cartera.Stage(c.val("stage"))
		x.Outcome = cartera.Outcome(c.enum("outcome", outcomeEnum))
		if x.Outcome == "" {
			x.Outcome = cartera.OutcomeOpen
		}
	}
	if s := c.val("claimed"); s != "" {
		var bad *cartera.Message
		if x.Claimed, bad = c.probability(s); bad != nil {
			c.fail("claimed", bad)
		}
		// A CRM gives a won deal the won stage's 100 %: a record of the
		// close, not a forecast anyone made, so it is not a claim to be
		// scored in calibration.
		if c.m != nil && x.Outcome == cartera.OutcomeWon && x.Claimed == 10000 {
			x.Claimed = 0
		}
	}
	if s := c.val("category"); s != "" {
		var bad *cartera.Message
		var cat cartera.ForecastCategory
		if c.m != nil {
			cat, bad = c.m.category(s)
		} else {
			var v string
			v, bad = categoryEnum.parse(s)
			cat = cartera.ForecastCategory(v)
		}
		if bad != nil {
			c.fail("category", bad)
		}
		x.Category = cat
	}
	x.Qualification = cartera.Qualification{Need: cartera.Answer(c.enum("need", answerEnum)),
		Capacity: cartera.Answer(c.enum("capacity", answerEnum)), DecisionMaker: cartera.Answer(c.enum("decision_maker", answerEnum))}
	if x.StageSince.IsZero() {
		x.StageSince = x.Created
	}
	c.check(x.Validate(c.v.pipeline, c.today()))
	if c.bad {
		return x, false
	}
	c.v.deals.set(id, cur)
	if cur != c.v.o.Currency {
		if c.f.rep.OtherCurrencies == nil {
			c.f.rep.OtherCurrencies = map[cartera.Currency]int64{}
		}
		c.f.rep.OtherCurrencies[cur]++
	}
	return x, true
}

// probability reads a claimed probability; a mapping may write it as a
// fraction (0.2), though a value with a % sign is always a percentage.
func (c *checker) probability(s string) (cartera.BasisPoints, *cartera.Message) {
	if c.m == nil || !c.m.fraction || strings.HasSuffix(strings.TrimSpace(s), "%") {
		return parsePercent(s, c.mode())
	}
	v, bad := parseScaled(s, 4, c.mode())
	if bad != nil {
		if bad.Key == "value.too_many_decimals" {
			return 0, problem("value.percent_range", "value", s)
		}
		return 0, bad
	}
	if v < 0 || v > 10000 {
		return 0, problem("value.percent_range", "value", s)
	}
	return cartera.BasisPoints(v), nil
}

// mappedMoney reads a vendor amount. An empty amount is zero (CRMs let a
// deal have none), and a currency code written with the amount ("EUR
// 4.800,00") must agree with the deal's currency when that is known.
func (c *checker) mappedMoney(cur cartera.Currency, known bool) cartera.Money {
	s := c.val("value")
	code, rest := splitCurrencyCode(s)
	if code != "" {
		if known && code != cur {
			c.fail("value", problem("value.amount_currency", "value", string(code), "currency", string(cur)))
		}
		cur = code
	}
	if rest == "" || cur == "" {
		return cartera.Money{Currency: cur}
	}
	n, bad := parseScaled(rest, cur.Exponent(), c.mode())
	if bad != nil {
		c.fail("value", bad)
	}
	return cartera.Money{Amount: n, Currency: cur}
}

// mappedStage sets a mapped deal's stage, outcome and dates. The outcome
// may be told by a closing stage, a status column, closed/won flags and
// won/lost times; when two of them disagree the row is refused rather than
// one of them silently believed.
func (c *checker) mappedStage(x *cartera.Deal) {
	var out cartera.Outcome
	var outFrom string
	set := func(o cartera.Outcome, col string) {
		switch {
		case out == "":
			out, outFrom = o, col
		case o != out:
			c.fail(col, problem("import.outcome_conflict", "value", string(o), "previous", string(out),
				"other", c.columnName(outFrom)))
		}
	}
	if label := c.val("stage"); label == "" {
		c.fail("stage", problem("value.required"))
	} else if r, ok := c.m.stage(label); !ok {
		c.fail("stage", problem("import.unknown_vendor_stage", "value", label, "mapping", c.f.lay.mapping.Name,
			"stages", c.m.stageLabels))
	} else if r.outcome != "" {
		// A closing stage does not say how far the deal got: it keeps
		// the last open stage when the export gives it, and is "stage
		// unknown" otherwise, so that no stage's rate is learned from a
		// guess.
		x.Stage = ""
		if last := c.val("last_stage"); last != "" {
			if lr, ok := c.m.stage(last); !ok || lr.outcome != "" || !c.v.pipeline.Has(lr.stage) {
				c.fail("last_stage", problem("import.unknown_vendor_stage", "value", last, "mapping", c.f.lay.mapping.Name,
					"stages", c.m.stageLabels))
			} else {
				x.Stage = lr.stage
			}
		}
		set(r.outcome, "stage")
	} else {
		x.Stage = r.stage
		if !c.v.pipeline.Has(r.stage) {
			c.fail("stage", problem("import.mapped_stage_missing", "value", label, "stage", string(r.stage),
				"stages", c.v.pipeline.StageIDs()))
		}
	}
	if s := c.val("outcome"); s != "" {
		o, bad := c.m.outcome(s)
		if bad != nil {
			c.fail("outcome", bad)
		} else {
			set(o, "outcome")
		}
	}
	flag := func(col string) (bool, bool) {
		s := c.val(col)
		if s == "" {
			return false, false
		}
		v, bad := parseBool(s)
		if bad != nil {
			c.fail(col, bad)
			return false, false
		}
		return v, true
	}
	closed, hasClosed := flag("is_closed")
	won, hasWon := flag("is_won")
	switch {
	case hasClosed && closed && won:
		set(cartera.OutcomeWon, "is_won")
	case hasClosed && closed:
		set(cartera.OutcomeLost, "is_closed")
	case hasClosed:
		set(cartera.OutcomeOpen, "is_closed")
	case hasWon && won:
		set(cartera.OutcomeWon, "is_won")
	}
	// Won and lost times are the weakest word on the outcome: a deal that
	// was reopened may keep them.
	if out == "" {
		if c.val("won_time") != "" {
			set(cartera.OutcomeWon, "won_time")
		} else if c.val("lost_time") != "" {
			set(cartera.OutcomeLost, "lost_time")
		}
	}
	if out == "" {
		out = cartera.OutcomeOpen
	}
	x.Outcome = out
	if outFrom != "" {
		c.note("outcome", outFrom)
	}
	switch {
	case out == cartera.OutcomeOpen && x.ExpectedClose.IsZero() && c.val("close_date") != "":
		x.ExpectedClose = c.date("close_date", false)
		c.note("expected_close", "close_date")
	case out != cartera.OutcomeOpen && x.Closed.IsZero():
		for _, col := range []string{map[cartera.Outcome]string{cartera.OutcomeWon: "won_time", cartera.OutcomeLost: "lost_time"}[out], "close_date"} {
			if c.val(col) != "" {
				x.Closed = c.date(col, false)
				c.note("closed", col)
				break
			}
		}
	}
}

// signal validates a signal on a known deal.
func (c *checker) signal(id string) (cartera.Signal, bool) {
	x := cartera.Signal{ID: id, DealID: c.val("deal_id"), Day: c.date("date", true), Note: c.text("note", false)}
	if c.m != nil && x.DealID != "" {
		x.DealID = c.f.lay.mapping.IDPrefix + x.DealID // the deals of the same source carry it
	}
	if x.DealID == "" {
		c.fail("deal_id", problem("value.required"))
	} else if !c.v.deals.has(x.DealID) {
		c.fail("deal_id", problem("signal.unknown_deal", "value", x.DealID))
	}
	if s := c.val("kind"); s == "" {
		c.fail("kind", problem("value.required"))
	} else {
		x.Kind = cartera.SignalKind(c.enum("kind", signalEnum))
	}
	x.Source = c.enum("source", sourceEnum)
	if s := c.val("days"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			c.fail("days", problem("value.not_integer", "value", s))
		}
		x.Days = n
	}
	c.check(x.Validate(c.today()))
	return x, !c.bad
}

// stageMove validates one row of a stage history: the day a deal (stored,
// or in a file of the same import) entered a stage of the pipeline, not
// after today. Moves are numbered per deal in the order the files give
// them. In a mapped file the deal id takes the mapping's id_prefix, as the
// deals of the same CRM do, and the stage is a label of the export; a
// closing stage ("Closed Won") is no stage a deal stays in: the row is
// counted in the report and left out, the outcome being the deals' file's
// to say.
func (c *checker) stageMove() (cartera.StageMove, bool) {
	x := cartera.StageMove{DealID: c.val("deal_id")}
	switch {
	case x.DealID == "":
		c.fail("deal_id", problem("value.required"))
	default:
		if c.m != nil {
			x.DealID = c.f.lay.mapping.IDPrefix + x.DealID
		}
		if !c.v.deals.has(x.DealID) {
			c.fail("deal_id", problem("signal.unknown_deal", "value", x.DealID))
		}
	}
	closing := false
	switch label := c.val("stage"); {
	case label == "":
		c.fail("stage", problem("value.required"))
	case c.m != nil:
		r, ok := c.m.stage(label)
		switch {
		case !ok:
			c.fail("stage", problem("import.unknown_vendor_stage", "value", label, "mapping", c.f.lay.mapping.Name,
				"stages", c.m.stageLabels))
		case r.outcome != "":
			closing = true
		case !c.v.pipeline.Has(r.stage):
			c.fail("stage", problem("import.mapped_stage_missing", "value", label, "stage", string(r.stage),
				"stages", c.v.pipeline.StageIDs()))
		default:
			x.Stage = r.stage
		}
	default:
		x.Stage = cartera.Stage(label)
		if !c.v.pipeline.Has(x.Stage) {
			c.fail("stage", problem("deal.unknown_stage", "value", label, "stages", c.v.pipeline.StageIDs()))
		}
	}
	x.Day = c.date("date", true)
	if !c.bad && x.Day > c.today() {
		c.fail("date", problem("value.future_date", "value", x.Day))
	}
	if c.bad {
		return x, false
	}
	if closing {
		c.f.rep.Closing++
		return x, false
	}
	if c.v.seq == nil {
		c.v.seq = map[string]int64{}
	}
	n := c.v.seq[x.DealID] + 1
	if n == 1 {
		x.DealID = strings.Clone(x.DealID) // a field shares its whole line's memory
	}
	c.v.seq[x.DealID] = n
	x.Seq = n
	return x, true
}
