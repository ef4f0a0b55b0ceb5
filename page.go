package cartera

// PageLimit bounds how many rows one page of a list holds: a limit that is
// not positive, or above most, gives def.
func PageLimit(limit, most, def int) int {
	if limit <= 0 || limit > most {
		return def
	}
	return limit
}
