// Command hello is the yardstick of docs/performance.md: the smallest Go
// net/http server, answering every request with a short text. cartera's
// API is measured against it on the same machine, in the same run.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18091", "listening address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hello, world\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
