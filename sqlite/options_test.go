package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera/storetest"
)

// Every connection, the writer and each reader, gets the page cache asked
// for; Open keeps the server's default.
func TestOpenCacheSize(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		open func(path string) (*DB, error)
		want int // PRAGMA cache_size: negative is KiB
	}{
		{"Open", func(p string) (*DB, error) { return Open(ctx, p, storetest.Clock) }, -DefaultCacheKiB},
		{"no options", func(p string) (*DB, error) { return OpenWith(ctx, p, storetest.Clock, Options{}) }, -DefaultCacheKiB},
		{"brief", func(p string) (*DB, error) {
			return OpenWith(ctx, p, storetest.Clock, Options{CacheKiB: BriefCacheKiB})
		}, -BriefCacheKiB},
		{"any size", func(p string) (*DB, error) { return OpenWith(ctx, p, storetest.Clock, Options{CacheKiB: 3000}) }, -3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := tc.open(filepath.Join(t.TempDir(), "c.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var w int
			if err := db.w.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&w); err != nil {
				t.Fatal(err)
			}
			// Two readers held at once, so that the second is a connection
			// of its own.
			var r [2]int
			for i := range r {
				c, err := db.r.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if err := c.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&r[i]); err != nil {
					t.Fatal(err)
				}
			}
			if w != tc.want || r[0] != tc.want || r[1] != tc.want {
				t.Errorf("cache_size: writer %d, readers %d and %d; want %d", w, r[0], r[1], tc.want)
			}
		})
	}
}
