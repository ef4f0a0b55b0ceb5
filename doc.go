// Package cartera holds the domain of a client portfolio: clients and their
// contacts, the events that say what a client is worth (invoices, time spent,
// concessions given, incidents suffered), the red-line policy, and the Store
// interface every storage backend implements.
//
// The package imports only the standard library. The assessment engine lives
// in package assess, storage in sqlite and postgres, file formats in
// csvio, and the command line in cmd/cartera.
package cartera
