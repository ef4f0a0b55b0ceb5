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
		name  string
		open  func(path string) (*DB, error)
		want  int // PRAGMA cache_size of the readers: negative is KiB
		wantW int // of the writer, when not the same
	}{
		{"Open", func(p string) (*DB, error) { return Open(ctx, p, storetest.Clock) }, -DefaultCacheKiB, 0},
		{"no options", func(p string) (*DB, error) { return OpenWith(ctx, p, storetest.Clock, Options{}) }, -DefaultCacheKiB, 0},
		{"brief", func(p string) (*DB, error) {
			return OpenWith(ctx, p, storetest.Clock, Options{CacheKiB: BriefCacheKiB})
		}, -BriefCacheKiB, 0},
		{"any size", func(p string) (*DB, error) { return OpenWith(ctx, p, storetest.Clock, Options{CacheKiB: 3000}) }, -3000, 0},
		{"writer apart", func(p string) (*DB, error) {
			return OpenWith(ctx, p, storetest.Clock, Options{CacheKiB: BriefCacheKiB, WriteCacheKiB: 8 << 10})
		}, -BriefCacheKiB, -8 << 10},
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
			wantW := tc.want
			if tc.wantW != 0 {
				wantW = tc.wantW
			}
			if w != wantW || r[0] != tc.want || r[1] != tc.want {
				t.Errorf("cache_size: writer %d, readers %d and %d; want %d and %d", w, r[0], r[1], wantW, tc.want)
			}
			if db.cacheKiB != -wantW {
				t.Errorf("the size an import puts back: %d, want %d", db.cacheKiB, -wantW)
			}
		})
	}
}
