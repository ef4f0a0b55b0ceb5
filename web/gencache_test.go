package web

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// counter builds "v<n>" and counts its builds.
type counter struct{ n atomic.Int32 }

func (c *counter) build(v string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { c.n.Add(1); return v, nil }
}

func TestGenCacheBuildsOncePerGeneration(t *testing.T) {
	c := newGenCache[string, string](8)
	var n counter
	ctx := context.Background()
	for range 3 {
		if v, err := c.do(ctx, 1, "a", n.build("one")); err != nil || v != "one" {
			t.Fatalf("do = %q, %v", v, err)
		}
	}
	if got := n.n.Load(); got != 1 {
		t.Errorf("built %d times at one generation, want 1", got)
	}
	// A write moves the generation: the old value is never answered again.
	if v, _ := c.do(ctx, 2, "a", n.build("two")); v != "two" {
		t.Errorf("after a write: %q, want the value built anew", v)
	}
	// A request that began before that write builds for itself and leaves
	// the newer entries alone.
	if v, _ := c.do(ctx, 1, "a", n.build("old")); v != "old" {
		t.Errorf("an older request got %q, want its own build", v)
	}
	if v, ok := c.get(2, "a"); !ok || v != "two" {
		t.Errorf("get after an older request = %q, %v; want two", v, ok)
	}
}

func TestGenCacheConcurrentRequestsWaitForOneBuild(t *testing.T) {
	c := newGenCache[string, string](8)
	release := make(chan struct{})
	var builds atomic.Int32
	build := func(context.Context) (string, error) {
		builds.Add(1)
		<-release
		return "v", nil
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := c.do(context.Background(), 1, "k", build); v != "v" || err != nil {
				t.Errorf("do = %q, %v", v, err)
			}
		}()
	}
	for builds.Load() == 0 {
		runtime.Gosched() // until one caller is building
	}
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
	}
}

func TestGenCacheDoesNotRememberFailures(t *testing.T) {
	c := newGenCache[string, string](8)
	boom := errors.New("boom")
	if _, err := c.do(context.Background(), 1, "k", func(context.Context) (string, error) { return "", boom }); err != boom {
		t.Fatalf("err = %v", err)
	}
	if v, err := c.do(context.Background(), 1, "k", func(context.Context) (string, error) { return "ok", nil }); v != "ok" || err != nil {
		t.Errorf("after a failure: %q, %v; want a new build", v, err)
	}
}

func TestGenCacheKeepsAtMostMaxEntriesOldestFirst(t *testing.T) {
	c := newGenCache[int, int](3)
	for i := range 5 {
		c.do(context.Background(), 1, i, func(context.Context) (int, error) { return i, nil })
	}
	for i := range 5 {
		_, ok := c.get(1, i)
		if want := i >= 2; ok != want {
			t.Errorf("entry %d kept = %v, want %v", i, ok, want)
		}
	}
}

func TestGenCacheKeepSaysWhatIsRemembered(t *testing.T) {
	c := newGenCache[string, string](8)
	c.keep = func(v string) bool { return len(v) < 4 }
	var n counter
	for range 2 {
		if v, _ := c.do(context.Background(), 1, "big", n.build("large")); v != "large" {
			t.Fatalf("v = %q", v)
		}
	}
	if got := n.n.Load(); got != 2 {
		t.Errorf("a value keep refuses was built %d times for two requests, want 2", got)
	}
}

func TestGenCacheWaiterStopsWhenItsRequestGoesAway(t *testing.T) {
	c := newGenCache[string, string](8)
	started, release := make(chan struct{}), make(chan struct{})
	go c.do(context.Background(), 1, "k", func(context.Context) (string, error) {
		close(started)
		<-release
		return "v", nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.do(ctx, 1, "k", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	close(release)
}
