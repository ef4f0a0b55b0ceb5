package sqlrow

import "testing"

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT '?' || ? FROM "odd?name" WHERE x = ?`, `SELECT '?' || $1 FROM "odd?name" WHERE x = $2`},
		{`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`},
		{`SELECT 'it''s ?' , ?`, `SELECT 'it''s ?' , $1`},
	} {
		if got := Rebind(tc.in); got != tc.want {
			t.Errorf("Rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	if got := Placeholders(3); got != "?, ?, ?" {
		t.Errorf("Placeholders(3) = %q", got)
	}
	if got := Placeholders(0); got != "" {
		t.Errorf("Placeholders(0) = %q", got)
	}
}

func TestPrefixed(t *testing.T) {
	got := Prefixed("c.", `id, coalesce(contact_id, ''), at`)
	if want := `c.id, coalesce(c.contact_id, ''), c.at`; got != want {
		t.Errorf("Prefixed = %q, want %q", got, want)
	}
}
