package review

import (
	"context"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// NameContacts replaces the contact ids the engine puts in its messages (the
// "contact" fact: the one person all the abuse came from) with the contact's
// name, so that reasons name the person. Only the few assessments that
// carry such a fact cost a lookup; a contact deleted since keeps its id.
func NameContacts(ctx context.Context, st cartera.Store, a *assess.Assessment) error {
	for _, list := range [][]cartera.Message{a.Reasons, a.Change} {
		for i := range list {
			for j, arg := range list[i].Args {
				id, ok := arg.Value.(string)
				if arg.Name != "contact" || !ok || id == "" {
					continue
				}
				c, err := st.Contact(ctx, id)
				if cartera.ErrorCode(err) == cartera.ENOTFOUND {
					continue
				}
				if err != nil {
					return err
				}
				list[i].Args[j].Value = c.Name
			}
		}
	}
	return nil
}
