package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartera/cartera/postgres/pgtest"
)

// Two `cartera serve` processes on one PostgreSQL database, no sticky
// sessions: a person signs in on one and goes on with the other, API
// writes on one are read, versioned and refused as stale on the other, a
// policy change on one shows on the other, and signing out on one signs
// out of both.
func TestTwoReplicasShareOneState(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	files := filepath.Join(dir, "demo")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if r := runBin(t, nil, append([]string{"import", "--db", dsn}, csvs...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	add := exec.Command(binary, "users", "add", "dueña@example.com", "--role", "owner", "--name", "Olga", "--db", dsn)
	add.Stdin = strings.NewReader("una-clave-larga-1\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	r := runBin(t, nil, "users", "token", "dueña@example.com", "--db", dsn)
	fields := strings.Fields(strings.TrimSpace(r.stdout))
	if r.code != 0 || len(fields) == 0 {
		t.Fatalf("token: %s%s", r.stdout, r.stderr)
	}
	token := fields[len(fields)-1]

	var replicas [2]string
	for i := range replicas {
		port := freePort(t)
		srv := exec.Command(binary, "serve", "--db", dsn, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "warn")
		srv.Env = baseEnv(dir)
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
		replicas[i] = fmt.Sprintf("http://127.0.0.1:%d", port)
		waitFor(t, func() bool {
			res, err := http.Get(replicas[i] + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == 200
		})
	}
	a, b := replicas[0], replicas[1]

	// One browser; cookies do not depend on the port, as behind one
	// balancer address.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(base, path string) (int, string) {
		t.Helper()
		res, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	post := func(base, path string, form url.Values) int {
		t.Helper()
		res, err := browser.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	csrfOf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	csrf := func(base, path string) string {
		t.Helper()
		_, body := get(base, path)
		m := csrfOf.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no csrf on %s%s", base, path)
		}
		return m[1]
	}

	// Sign in on A, work on B.
	if code := post(a, "/login", url.Values{"email": {"dueña@example.com"}, "password": {"una-clave-larga-1"},
		"csrf": {csrf(a, "/login")}}); code != http.StatusSeeOther {
		t.Fatalf("sign in on A: %d", code)
	}
	if code, body := get(b, "/dashboard"); code != 200 || !strings.Contains(body, "Olga") {
		t.Fatalf("B does not know the session made on A: %d", code)
	}
	// A form whose token came from A's page is accepted by B.
	if code := post(b, "/settings/account", url.Values{"name": {"Olga Dueña"}, "lang": {"es"}, "csrf": {csrf(a, "/settings")}}); code != http.StatusSeeOther {
		t.Fatalf("settings on B with A's form: %d", code)
	}
	if _, body := get(a, "/settings"); !strings.Contains(body, "Olga Dueña") {
		t.Errorf("A does not show the name changed on B")
	}

	// The API: create on A, read and update on B, a stale update on A is
	// refused with the current state.
	api := func(base, method, path, body string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := api(a, "POST", "/api/v1/clients", `{"id":"R-1","name":"Réplica Uno","currency":"EUR"}`); res.StatusCode != 201 {
		t.Fatalf("create on A: %d %s", res.StatusCode, body)
	}
	res, body := api(b, "GET", "/api/v1/clients/R-1", "")
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || etag == "" || !strings.Contains(body, "Réplica Uno") {
		t.Fatalf("read on B: %d %q %s", res.StatusCode, etag, body)
	}
	if res, body := api(b, "PUT", "/api/v1/clients/R-1", `{"id":"R-1","name":"Réplica Dos","currency":"EUR"}`, "If-Match", etag); res.StatusCode != 200 {
		t.Fatalf("update on B: %d %s", res.StatusCode, body)
	}
	res, body = api(a, "PUT", "/api/v1/clients/R-1", `{"id":"R-1","name":"Réplica Tres","currency":"EUR"}`, "If-Match", etag)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Réplica Dos") {
		t.Errorf("a stale update on A: %d %s", res.StatusCode, body)
	}

	// A policy change on B is what A applies next.
	res, body = api(a, "GET", "/api/v1/policy", "")
	var pol map[string]any
	if err := json.Unmarshal([]byte(body), &pol); err != nil || res.StatusCode != 200 {
		t.Fatalf("policy on A: %d %v", res.StatusCode, err)
	}
	pol["max_days_late"] = 44
	changed, _ := json.Marshal(pol)
	if res, body := api(b, "PUT", "/api/v1/policy", string(changed)); res.StatusCode != 200 {
		t.Fatalf("policy on B: %d %s", res.StatusCode, body)
	}
	if _, body := api(a, "GET", "/api/v1/policy", ""); !strings.Contains(body, `"max_days_late":44`) {
		t.Errorf("A still has the old policy: %s", body)
	}

	// Signing out on B signs out of A too.
	if code := post(b, "/logout", url.Values{"csrf": {csrf(a, "/dashboard")}}); code != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", code)
	}
	if code, _ := get(a, "/dashboard"); code == 200 {
		t.Errorf("A still accepts the session signed out on B")
	}
}
