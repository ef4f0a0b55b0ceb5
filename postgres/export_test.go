package postgres

// SetFactsChunk sets how many clients a facts cache chunk holds, so that
// the contract suite can walk many chunks on few clients.
func SetFactsChunk(db *DB, n int) { db.chunk = n }
