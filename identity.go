package cartera

import "strings"

// Identity resolves identifiers found in captured data (addresses,
// domains, tax ids, projects) to clients, contacts and deals. It is built
// from the match table the user keeps, and from what the records already
// say: each contact's and client's e-mail address, and the domain of
// those addresses when it is not a public mail service and belongs to one
// client only. A rule always wins over what records imply; an identifier
// two clients could claim matches neither: it is listed, never guessed.
type Identity struct {
	rules   map[MatchKind]map[string]MatchRule
	emails  map[string]Who
	domains map[string]Who
	// taken marks domains more than one client's addresses use.
	taken map[string]bool
}

// Who is what an identifier resolved to.
type Who struct {
	Role      MatchRole
	ClientID  string
	ContactID string
	DealID    string
	// Seniority is the contact's, when a contact matched.
	Seniority Seniority
	// By says how: "rule", "contact", "client" or "domain".
	By string
}

// NewIdentity starts an empty identity.
func NewIdentity() *Identity {
	return &Identity{rules: map[MatchKind]map[string]MatchRule{}, emails: map[string]Who{}, domains: map[string]Who{},
		taken: map[string]bool{}}
}

// AddRule adds a rule of the match table.
func (id *Identity) AddRule(r MatchRule) {
	if id.rules[r.Kind] == nil {
		id.rules[r.Kind] = map[string]MatchRule{}
	}
	id.rules[r.Kind][r.Value] = r
}

// AddClient adds a client's own address.
func (id *Identity) AddClient(c Client) {
	id.addAddress(c.Email, Who{Role: RoleClient, ClientID: c.ID, By: "client"})
}

// AddContact adds a contact's address.
func (id *Identity) AddContact(c Contact) {
	id.addAddress(c.Email, Who{Role: RoleClient, ClientID: c.ClientID, ContactID: c.ID, Seniority: c.Seniority, By: "contact"})
}

// AddSelf marks one of our own addresses (a user's sign-in address).
func (id *Identity) AddSelf(addr string) {
	a := NormalizeMatch(MatchEmail, addr)
	if a != "" {
		id.emails[a] = Who{Role: RoleSelf, By: "user"}
	}
}

func (id *Identity) addAddress(addr string, w Who) {
	for _, a := range strings.FieldsFunc(addr, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		a = NormalizeMatch(MatchEmail, a)
		if !strings.Contains(a, "@") {
			continue
		}
		if old, ok := id.emails[a]; !ok || (old.By == "client" && w.By == "contact") {
			id.emails[a] = w
		}
		d := DomainOf(a)
		if d == "" || PublicMailDomains[d] || id.taken[d] {
			continue
		}
		if old, ok := id.domains[d]; ok && old.ClientID != w.ClientID {
			delete(id.domains, d)
			id.taken[d] = true
			continue
		}
		id.domains[d] = Who{Role: RoleClient, ClientID: w.ClientID, By: "domain"}
	}
}

// Address resolves an e-mail address: a rule for the address, a contact
// or client with it, a rule for its domain, the one client whose
// addresses use the domain. ok is false when nothing explains it.
func (id *Identity) Address(addr string) (Who, bool) {
	a := NormalizeMatch(MatchEmail, addr)
	if r, ok := id.rules[MatchEmail][a]; ok {
		return ruleWho(r), true
	}
	if w, ok := id.emails[a]; ok {
		return w, true
	}
	d := DomainOf(a)
	if r, ok := id.rules[MatchDomain][d]; ok {
		return ruleWho(r), true
	}
	if w, ok := id.domains[d]; ok {
		return w, true
	}
	return Who{}, false
}

// Lookup resolves a tax id or a project by its rule.
func (id *Identity) Lookup(k MatchKind, v string) (Who, bool) {
	r, ok := id.rules[k][NormalizeMatch(k, v)]
	if !ok {
		return Who{}, false
	}
	return ruleWho(r), true
}

func ruleWho(r MatchRule) Who {
	return Who{Role: r.Role, ClientID: r.ClientID, ContactID: r.ContactID, DealID: r.DealID, By: "rule"}
}
