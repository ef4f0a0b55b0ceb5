package main_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A minimal W3C WebDriver client for Debian's chromedriver: enough to drive
// headless Chromium through the app like a person would, with the
// standard library only.

type driver struct {
	t       *testing.T
	base    string // http://127.0.0.1:port/session/id
	timeout time.Duration
	phone   int // the emulated phone width, 0 on a desktop window
}

const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// startDriver runs chromedriver and opens a Chromium session. It skips the
// test, with the reason, when the browser is not installed (CI installs
// it: see .ci/run).
func startDriver(t *testing.T) *driver {
	t.Helper()
	chromium, chromedriver := "/usr/bin/chromium", "/usr/bin/chromedriver"
	for _, bin := range []string{chromium, chromedriver} {
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: .ci/run installs chromium and chromium-driver", bin)
			}
			t.Skipf("browser tests skipped: %s is not installed (apt-get install chromium chromium-driver)", bin)
		}
	}
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, chromedriver, fmt.Sprintf("--port=%d", port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, func() bool {
		res, err := http.Get(root + "/status")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromium,
			"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
				"--lang=es-ES", "--window-size=1440,1000", "--user-data-dir=" + t.TempDir()},
			"prefs": map[string]any{"intl.accept_languages": "es-ES,es"},
		},
	}}}
	var out struct {
		Value struct {
			SessionID string `json:"sessionId"`
		} `json:"value"`
	}
	if err := call(http.MethodPost, root+"/session", caps, &out); err != nil {
		t.Fatalf("new session: %v", err)
	}
	d := &driver{t: t, base: root + "/session/" + out.Value.SessionID, timeout: 10 * time.Second}
	t.Cleanup(func() { call(http.MethodDelete, d.base, nil, nil) })
	return d
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out waiting")
}

// call does one WebDriver request; out receives the JSON response.
func call(method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, body)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (d *driver) do(method, path string, in, out any) {
	d.t.Helper()
	if err := call(method, d.base+path, in, out); err != nil {
		d.t.Fatal(err)
	}
}

func (d *driver) open(url string) {
	d.t.Helper()
	d.do("POST", "/url", map[string]string{"url": url}, nil)
}

func (d *driver) url() string {
	var out struct{ Value string }
	d.do("GET", "/url", nil, &out)
	return out.Value
}

// resize sets the viewport. Desktop Chrome will not make a window
// narrower than 500 px, so phone widths are emulated through the DevTools
// protocol, as the browser's own device mode does.
func (d *driver) resize(w, h int) {
	d.t.Helper()
	if w < 600 {
		d.do("POST", "/goog/cdp/execute", map[string]any{"cmd": "Emulation.setDeviceMetricsOverride",
			"params": map[string]any{"width": w, "height": h, "deviceScaleFactor": 1, "mobile": true}}, nil)
		d.phone = w
		return
	}
	if d.phone > 0 {
		d.do("POST", "/goog/cdp/execute", map[string]any{"cmd": "Emulation.clearDeviceMetricsOverride", "params": map[string]any{}}, nil)
		d.phone = 0
	}
	d.do("POST", "/window/rect", map[string]int{"width": w, "height": h}, nil)
}

// find waits for an element matching a CSS selector.
func (d *driver) find(css string) string {
	d.t.Helper()
	var id string
	deadline := time.Now().Add(d.timeout)
	for {
		var out struct {
			Value map[string]string `json:"value"`
		}
		err := call("POST", d.base+"/element", map[string]string{"using": "css selector", "value": css}, &out)
		if err == nil && out.Value[elementKey] != "" {
			id = out.Value[elementKey]
			break
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("no element %q on %s", css, d.url())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return id
}

func (d *driver) click(css string) {
	d.t.Helper()
	d.do("POST", "/element/"+d.find(css)+"/click", map[string]any{}, nil)
}

func (d *driver) typeInto(css, text string) {
	d.t.Helper()
	d.do("POST", "/element/"+d.find(css)+"/value", map[string]string{"text": text}, nil)
}

func (d *driver) text(css string) string {
	d.t.Helper()
	var out struct{ Value string }
	d.do("GET", "/element/"+d.find(css)+"/text", nil, &out)
	return out.Value
}

// tryText reads an element's text, or "" while the page is changing.
func (d *driver) tryText(css string) string {
	var el struct {
		Value map[string]string `json:"value"`
	}
	if call("POST", d.base+"/element", map[string]string{"using": "css selector", "value": css}, &el) != nil {
		return ""
	}
	var out struct{ Value string }
	if call("GET", d.base+"/element/"+el.Value[elementKey]+"/text", nil, &out) != nil {
		return ""
	}
	return out.Value
}

// waitText waits until an element's text contains want, across page
// loads.
func (d *driver) waitText(css, want string) string {
	d.t.Helper()
	var got string
	for deadline := time.Now().Add(d.timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = d.tryText(css); strings.Contains(got, want) {
			return got
		}
	}
	d.t.Fatalf("%q never contained %q; last: %q", css, want, got)
	return ""
}

// eval runs JavaScript in the page and returns its result.
func (d *driver) eval(script string, args ...any) any {
	d.t.Helper()
	if args == nil {
		args = []any{}
	}
	var out struct{ Value any }
	d.do("POST", "/execute/sync", map[string]any{"script": script, "args": args}, &out)
	return out.Value
}

// screenshot saves a PNG when CARTERA_SCREENSHOTS names a directory.
func (d *driver) screenshot(name string) {
	dir := os.Getenv("CARTERA_SCREENSHOTS")
	if dir == "" {
		return
	}
	// Full-page shots: size the window to the document first (from a
	// small height, since the document is never shorter than the window).
	w := 1440
	if d.phone > 0 {
		w = d.phone
	}
	d.resize(w, 600)
	h, _ := d.eval("return document.documentElement.scrollHeight").(float64)
	if h > 0 {
		extra := 140 // the desktop window's own frame
		if d.phone > 0 {
			extra = 0
		}
		d.resize(w, int(h)+extra)
	}
	var out struct{ Value string }
	d.do("GET", "/screenshot", nil, &out)
	b, err := base64.StdEncoding.DecodeString(out.Value)
	if err != nil {
		d.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(dir+"/"+name+".png", b, 0o644); err != nil {
		d.t.Fatal(err)
	}
}
