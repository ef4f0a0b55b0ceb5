package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/report"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, rc(r).user)
}

// portfolioBody is the dashboard as JSON.
type portfolioBody struct {
	AsOf cartera.Date `json:"as_of"`
	// Updating says the figures are the last ones assessed while the
	// current ones are being assessed.
	Updating  bool                  `json:"updating,omitempty"`
	Portfolio report.PortfolioJSON  `json:"portfolio"`
	Today     []report.ClientRowOut `json:"today"`
	Breached  []report.ClientRowOut `json:"breached"`
}

func (s *Server) apiAssessments(w http.ResponseWriter, r *http.Request) error {
	d, updating, err := s.dashboard(r.Context(), rc(r).user)
	if err != nil {
		return err
	}
	loc := rc(r).pol.Location()
	body := portfolioBody{AsOf: d.AsOf, Updating: updating, Today: report.ClientRows(d.Today, loc), Breached: report.ClientRows(d.Breached, loc),
		Portfolio: report.PortfolioJSON{Portfolio: d.Portfolio, Finding: report.Message(d.Portfolio.Attention.Finding, rc(r).p)}}
	return writeJSON(w, http.StatusOK, body)
}

func (s *Server) apiPolicyGet(w http.ResponseWriter, r *http.Request) error {
	pol, err := s.st.Policy(r.Context())
	if err != nil {
		return err
	}
	etag(w, pol.Version)
	return writeJSON(w, http.StatusOK, pol)
}

// apiPolicyPut replaces the policy, given the version it was read at;
// fields left out keep their defaults.
func (s *Server) apiPolicyPut(w http.ResponseWriter, r *http.Request) error {
	pol := cartera.DefaultPolicy()
	if err := decode(w, r, &pol); err != nil {
		return err
	}
	v, err := ifMatch(r, pol.Version)
	if err != nil {
		return err
	}
	pol.Version = v
	err = saveShared(s, r, v, s.st.Policy, func(p cartera.Policy) int64 { return p.Version },
		func() error { return s.st.SavePolicy(r.Context(), pol) })
	if err != nil {
		return err
	}
	s.kick(r) // every summary is stale under the new policy
	saved, err := s.st.Policy(r.Context())
	if err != nil {
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusOK, saved)
}

// saveShared saves a shared setting (the policy, the pipeline) read at
// version v, with the versions of records: without one (no If-Match, no
// version in the body), a setting already saved is a 428 showing it; a
// stale one (If-Match "0" included: the defaults were read) is a 409
// showing it.
func saveShared[T any](s *Server, r *http.Request, v int64, current func(context.Context) (T, error), version func(T) int64,
	save func() error) error {
	cur, err := current(r.Context())
	if err != nil {
		return err
	}
	if v == 0 && r.Header.Get("If-Match") == "" && version(cur) != 0 {
		return &conflictError{err: errPrecondition, current: cur}
	}
	if err := save(); err != nil {
		if cartera.ErrorCode(err) == cartera.ECONFLICT && cartera.ErrorMessage(err).Key == "setting.stale" {
			if cur, gerr := current(r.Context()); gerr == nil {
				return &conflictError{err: err, current: cur}
			}
		}
		return err
	}
	return nil
}

// apiImport takes multipart files (any field name), with the same rules
// as the command line; problems come back as a problem document listing
// every file:line:column.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("import.want_multipart")}
	}
	srcs, values, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	m, err := s.uploadedMapping(r, values)
	if err != nil {
		return s.problemsOr(w, r, err)
	}
	dry := r.URL.Query().Get("dry_run") == "true" || r.URL.Query().Get("dry_run") == "1"
	rep, crep, err := s.runCapture(r, srcs, dry, m, strings.TrimSpace(r.FormValue("sheet")), nil)
	var pe *csvio.ProblemsError
	if errors.As(err, &pe) {
		s.metrics.imports("rejected", 0)
		c := rc(r)
		pr := Problem{Type: "about:blank", Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
			Code: cartera.EINVALID, Instance: r.URL.Path, Detail: c.p.T("import.nothing_written", "n", pe.Total()),
			Errors: problemItems(pe, c.p.Msg)}
		writeProblem(w, pr)
		return nil
	}
	if err != nil {
		return err
	}
	if !dry {
		s.metrics.imports("committed", rep.Rows)
	}
	if crep != nil {
		// Calendars, e-invoices and mailboxes: what they created, changed
		// and left unmatched, next to the tables' report.
		return writeJSON(w, http.StatusOK, map[string]any{"files": rep.Files, "rows": rep.Rows, "dry_run": rep.DryRun, "capture": crep})
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.st.Users(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": users})
}

// userInput is what the API accepts for a user: the password is only ever
// written, never read back.
type userInput struct {
	Email    string       `json:"email"`
	Name     string       `json:"name"`
	Role     cartera.Role `json:"role"`
	Lang     string       `json:"lang"`
	Password string       `json:"password"`
	Disabled bool         `json:"disabled"`
	Version  int64        `json:"version"`
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validPassword(in.Password, in.Password); err != nil {
		return err
	}
	u, err := s.st.CreateUser(r.Context(), cartera.User{Email: in.Email, Name: in.Name, Role: in.Role, Lang: in.Lang,
		Disabled: in.Disabled, PasswordHash: hashPassword(in.Password)})
	if err != nil {
		return err
	}
	etag(w, u.Version)
	return writeJSON(w, http.StatusCreated, u)
}

func (s *Server) userFromPath(r *http.Request) (cartera.User, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return cartera.User{}, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return s.st.User(r.Context(), id)
}

func (s *Server) apiUserGet(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	etag(w, u.Version)
	return writeJSON(w, http.StatusOK, u)
}

func (s *Server) apiUserPut(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	var in userInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := ifMatch(r, in.Version)
	if err != nil {
		return err
	}
	if v == 0 {
		return &conflictError{err: errPrecondition, current: u}
	}
	u.Email, u.Name, u.Role, u.Lang, u.Disabled, u.Version = in.Email, in.Name, in.Role, in.Lang, in.Disabled, v
	if in.Password != "" {
		if err := validPassword(in.Password, in.Password); err != nil {
			return err
		}
		u.PasswordHash = hashPassword(in.Password)
	}
	if err := s.keepAnOwner(r, u); err != nil {
		return err
	}
	saved, err := s.st.UpdateUser(r.Context(), u)
	if err != nil {
		if cartera.ErrorCode(err) == cartera.ECONFLICT {
			if cur, gerr := s.st.User(r.Context(), u.ID); gerr == nil {
				return &conflictError{err: err, current: cur}
			}
		}
		return err
	}
	if in.Password != "" {
		// A password set by an owner ends the user's sessions and keys.
		if err := SignOutEverywhere(r.Context(), s.st, u.ID); err != nil {
			return err
		}
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusOK, saved)
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.st.Tokens(r.Context(), rc(r).user.ID)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []cartera.APIToken{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": ts})
}

type tokenInput struct {
	Name string `json:"name"`
}

// newTokenBody returns the secret once.
type newTokenBody struct {
	cartera.APIToken
	Token string `json:"token"`
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	token := newToken("crt_")
	t, err := s.st.CreateToken(r.Context(), cartera.APIToken{UserID: rc(r).user.ID, Name: in.Name, Prefix: token[:10]}, tokenHash(token))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, newTokenBody{APIToken: t, Token: token})
}

func (s *Server) apiTokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return cartera.NewError(cartera.ENOTFOUND, "token.not_found")
	}
	if err := s.st.DeleteToken(r.Context(), rc(r).user.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
