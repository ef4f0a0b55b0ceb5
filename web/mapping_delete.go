package web

import (
	"net/http"

	"github.com/cartera/cartera/csvio"
)

// mappingDelete removes a saved mapping from the import page.
func (s *Server) mappingDelete(w http.ResponseWriter, r *http.Request) error {
	s.mappingsMu.Lock()
	err := csvio.DeleteSavedMapping(r.Context(), s.st, r.PathValue("name"))
	s.mappingsMu.Unlock()
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/import?ok=mapping_deleted#saved-mappings", http.StatusSeeOther)
	return nil
}
