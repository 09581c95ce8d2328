// Command floor serves the floor handler (internal/bench/floor) on one port
// over HTTP/1.1 and prior-knowledge HTTP/2, as gantry's ports serve.
// internal/bench/load.sh and capacity.sh measure gantry against it.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/gantry-dev/gantry/internal/bench/floor"
)

func main() {
	store := flag.String("store", ".gantry/store.db", "gantry's SQLite store")
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	flag.Parse()

	h, _, err := floor.Open(*store)
	if err != nil {
		log.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: *addr, Handler: h, Protocols: &protocols}
	log.Printf("floor listening on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}
