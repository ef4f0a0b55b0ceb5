package cartera

import "testing"

// Clients and deals follow one visibility rule: owners and managers see
// everything, a seller what names them as owner, ignoring case and accents.
func TestWhoSeesWhat(t *testing.T) {
	t.Parallel()
	lucia := User{Name: "Lucía Ferrer", Role: RoleSeller}
	tests := []struct {
		name  string
		u     User
		owner string
		want  bool
	}{
		{"a seller sees their own", lucia, "Lucía Ferrer", true},
		{"case and accents are ignored", lucia, "  LUCIA ferrer ", true},
		{"a seller does not see another's", lucia, "Carmen Ortega", false},
		{"nor what has no owner", lucia, "", false},
		{"a manager sees every one", User{Name: "Mario", Role: RoleManager}, "Carmen Ortega", true},
		{"an owner sees what has no owner", User{Name: "Olga", Role: RoleOwner}, "", true},
	}
	for _, tc := range tests {
		if got := tc.u.Sees(Client{Owner: tc.owner}); got != tc.want {
			t.Errorf("%s: client %v, want %v", tc.name, got, tc.want)
		}
		if got := tc.u.SeesDeal(Deal{Owner: tc.owner}); got != tc.want {
			t.Errorf("%s: deal %v, want %v", tc.name, got, tc.want)
		}
	}
}
