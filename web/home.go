package web

import "net/http"

// home sends people where they belong: setup on a fresh install, the
// dashboard once signed in, the sign-in page otherwise.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if rc(r).user != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return nil
	}
	n, err := s.st.CountUsers(r.Context())
	if err != nil {
		return err
	}
	if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// healthz answers whether the server and its database respond.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.st.Generation(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err2 := w.Write([]byte("database unavailable\n"))
		s.log.Error("health check", "err", err)
		return err2
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}
