// Command ferretdb serves the MongoDB wire protocol from SQLite files: the
// real MongoDB-wire server the course's Flask app is tested against.
//
// It runs FerretDB's embeddable package: the module's own command panics at
// start when built from the module (it carries no build/version/version.txt).
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to serve on")
	data := flag.String("data", "", "directory of the SQLite databases (created if missing)")
	flag.Parse()
	if *data == "" {
		log.Fatal("-data is required")
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}
	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// MongoDBURI waits for the listener, which Run starts.
	go func() { log.Printf("serving %s from %s", server.MongoDBURI(), dir) }()
	if err := server.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
