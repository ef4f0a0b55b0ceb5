package report

import (
	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/review"
)

// ScriptSection is the script of one archetype.
type ScriptSection struct {
	Archetype playbook.Archetype `json:"archetype"`
	Reasons   []cartera.Message  `json:"-"`
	Blocks    []playbook.Block   `json:"blocks"`
}

// ScriptDoc is a client's scripts in one language: a script per archetype
// the client fits, the boundaries message when the verdict is to set them,
// and the providers to recommend.
type ScriptDoc struct {
	Client     cartera.Client     `json:"client"`
	AsOf       cartera.Date       `json:"as_of"`
	Verdict    cartera.Verdict    `json:"verdict"`
	Reasons    []cartera.Message  `json:"-"`
	Sections   []ScriptSection    `json:"sections"`
	Boundaries []playbook.Block   `json:"boundaries,omitempty"`
	Referrals  []cartera.Referral `json:"referrals"`
	// NoMatch is set when the client fits no archetype and needs no
	// boundaries; Misses then says why, archetype by archetype.
	NoMatch bool             `json:"no_match"`
	Misses  []playbook.Match `json:"-"`
}

// Script fills the plan's templates in p's language.
func Script(plan *review.ScriptPlan, p *i18n.Printer) (*ScriptDoc, error) {
	doc := &ScriptDoc{Client: plan.Client, AsOf: plan.AsOf, Verdict: plan.Verdict, Reasons: plan.Reasons,
		Referrals: plan.Referrals, NoMatch: plan.NoMatch, Misses: plan.Misses}
	for _, m := range plan.Matches {
		blocks, err := playbook.RenderScript(string(m.Archetype), plan.Facts, p)
		if err != nil {
			return nil, err
		}
		doc.Sections = append(doc.Sections, ScriptSection{Archetype: m.Archetype, Reasons: m.Reasons, Blocks: blocks})
	}
	if plan.Boundaries {
		blocks, err := playbook.RenderScript(playbook.BoundariesScript, plan.Facts, p)
		if err != nil {
			return nil, err
		}
		doc.Boundaries = blocks
	}
	return doc, nil
}
