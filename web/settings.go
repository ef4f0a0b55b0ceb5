package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

type settingsPage struct {
	Policy     cartera.Policy
	PolicyKeys []string
	// Values are the policy values as text (or as typed, after an error).
	Values      map[string]string
	PolicyError map[string]string
	Weights     []weightRow
	Tokens      []cartera.APIToken
	NewToken    string
	Users       []cartera.User
	Roles       []cartera.Role
	Error       string
	Field       string
	Section     string
	// Referrals and Holidays are the team's lists; the forms keep what
	// was typed when a save is refused.
	Referrals    []cartera.Referral
	Holidays     []cartera.Holiday
	ReferralForm cartera.Referral
	HolidayForm  holidayForm
}

type weightRow struct {
	Kind   cartera.IncidentKind
	Weight int
}

// settingsShow shows the account, API keys, and — for the owner — the
// red-line policy and the users.
func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.settingsData(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "settings", "settings", d)
}

func (s *Server) settingsData(r *http.Request) (*settingsPage, error) {
	c := rc(r)
	pol, err := s.st.Policy(r.Context())
	if err != nil {
		return nil, err
	}
	d := &settingsPage{Policy: pol, PolicyKeys: cartera.PolicyKeys, Values: map[string]string{}, PolicyError: map[string]string{},
		Roles: cartera.Roles, Section: r.URL.Query().Get("section")}
	for _, k := range cartera.PolicyKeys {
		d.Values[k] = c.p.PolicyValue(pol, k)
	}
	for _, k := range cartera.IncidentKinds {
		d.Weights = append(d.Weights, weightRow{k, pol.Weight(k)})
	}
	if d.Tokens, err = s.st.Tokens(r.Context(), c.user.ID); err != nil {
		return nil, err
	}
	if d.Referrals, err = s.st.Referrals(r.Context()); err != nil {
		return nil, err
	}
	if d.Holidays, err = s.st.Holidays(r.Context()); err != nil {
		return nil, err
	}
	if c.user.Role == cartera.RoleOwner {
		if d.Users, err = s.st.Users(r.Context()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// settingsError shows the settings page again with an error in a section.
func (s *Server) settingsError(w http.ResponseWriter, r *http.Request, d *settingsPage, section string, err error) error {
	if cartera.ErrorCode(err) != cartera.EINVALID && cartera.ErrorCode(err) != cartera.ECONFLICT {
		return err
	}
	d.Section, d.Error, d.Field = section, rc(r).p.Msg(cartera.ErrorMessage(err)), fieldOf(err)
	w.WriteHeader(status(err))
	return s.page(w, r, "settings", "settings", d)
}

func saved(w http.ResponseWriter, r *http.Request, section string) {
	http.Redirect(w, r, "/settings?ok=saved&section="+url.QueryEscape(section)+"#"+section, http.StatusSeeOther)
}

// policyUpdate changes red lines and thresholds, all or nothing.
func (s *Server) policyUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.settingsData(r)
	if err != nil {
		return err
	}
	pol := d.Policy
	if r.PostForm.Has("version") {
		pol.Version = formVersion(r) // the one the form was shown with
	}
	for _, k := range cartera.PolicyKeys {
		v, ok := r.PostForm[k]
		if !ok || len(v) == 0 {
			continue
		}
		d.Values[k] = v[0]
		if v[0] == rc(r).p.PolicyValue(d.Policy, k) {
			continue // unchanged: keep the exact stored value
		}
		if err := pol.Set(k, v[0]); err != nil {
			d.PolicyError[k] = rc(r).p.Msg(cartera.ErrorMessage(err))
		}
	}
	for _, k := range cartera.IncidentKinds {
		if v := r.PostFormValue("weight." + string(k)); v != "" {
			if err := pol.Set("weight."+string(k), v); err != nil {
				d.PolicyError["weight."+string(k)] = rc(r).p.Msg(cartera.ErrorMessage(err))
			}
		}
	}
	if len(d.PolicyError) == 0 {
		if err := s.st.SavePolicy(r.Context(), pol); err != nil {
			if e, ok := err.(*cartera.Error); ok && e.Field != "" {
				d.PolicyError[e.Field] = rc(r).p.Msg(e.Msg)
			} else if cartera.ErrorCode(err) == cartera.ECONFLICT {
				// Someone saved it meanwhile: the page shows theirs.
				fresh, derr := s.settingsData(r)
				if derr != nil {
					return derr
				}
				return s.settingsError(w, r, fresh, "policy", err)
			} else {
				return err
			}
		} else {
			s.kick(r) // every summary is stale under the new policy
		}
	}
	if len(d.PolicyError) > 0 {
		d.Section = "policy"
		d.Error = rc(r).p.T("settings.policy_not_saved")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "settings", "settings", d)
	}
	saved(w, r, "policy")
	return nil
}

// accountUpdate changes the signed-in user's language or password.
func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	u := *c.user
	if l := r.PostFormValue("lang"); l != "" || r.PostForm.Has("lang") {
		u.Lang = l
	}
	if name := strings.TrimSpace(r.PostFormValue("name")); name != "" && u.Role != cartera.RoleSeller {
		u.Name = name // a seller's name ties them to their clients: the owner changes it
	}
	newPassword := false
	if np := r.PostFormValue("new_password"); np != "" {
		d, err := s.settingsData(r)
		if err != nil {
			return err
		}
		if !checkPassword(u.PasswordHash, r.PostFormValue("password")) {
			return s.settingsError(w, r, d, "account", cartera.FieldError("password", "user.wrong_password"))
		}
		if err := validPassword(np, r.PostFormValue("new_password2")); err != nil {
			return s.settingsError(w, r, d, "account", err)
		}
		u.PasswordHash = hashPassword(np)
		newPassword = true
	}
	if _, err := s.st.UpdateUser(r.Context(), u); err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		return s.settingsError(w, r, d, "account", err)
	}
	if newPassword {
		// Whoever else was signed in with the old password is out, and the
		// API keys made under it are revoked; this browser stays in.
		if err := s.signOutOthers(w, r); err != nil {
			return err
		}
	}
	if u.Lang != "" {
		http.SetCookie(w, s.cookie(langCookie, u.Lang, 0))
	}
	saved(w, r, "account")
	return nil
}

// userCreate adds a user with a first password the owner hands over.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	u := cartera.User{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: cartera.Role(r.PostFormValue("role"))}
	pw := r.PostFormValue("password")
	err := validPassword(pw, pw)
	if err == nil {
		u.PasswordHash = hashPassword(pw)
		_, err = s.st.CreateUser(r.Context(), u)
	}
	if err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		return s.settingsError(w, r, d, "users", err)
	}
	saved(w, r, "users")
	return nil
}

// userUpdate changes a user's role, name or access. The last enabled owner
// cannot demote or disable themselves: someone must hold the keys.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	u, err := s.st.User(r.Context(), id)
	if err != nil {
		return err
	}
	if v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64); err == nil {
		u.Version = v
	}
	if role := r.PostFormValue("role"); role != "" {
		u.Role = cartera.Role(role)
	}
	if name := strings.TrimSpace(r.PostFormValue("name")); name != "" {
		u.Name = name
	}
	u.Disabled = r.PostFormValue("disabled") == "1"
	if err == nil {
		err = s.keepAnOwner(r, u)
	}
	if err == nil {
		_, err = s.st.UpdateUser(r.Context(), u)
	}
	if err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		return s.settingsError(w, r, d, "users", err)
	}
	saved(w, r, "users")
	return nil
}

// keepAnOwner refuses a change that would leave no enabled owner.
func (s *Server) keepAnOwner(r *http.Request, changed cartera.User) error {
	if changed.Role == cartera.RoleOwner && !changed.Disabled {
		return nil
	}
	users, err := s.st.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID != changed.ID && u.Role == cartera.RoleOwner && !u.Disabled {
			return nil
		}
	}
	return cartera.FieldError("role", "user.last_owner")
}

// tokenCreate makes an API key and shows it once.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	token := newToken("crt_")
	_, err := s.st.CreateToken(r.Context(), cartera.APIToken{UserID: c.user.ID, Name: r.PostFormValue("name"), Prefix: token[:10]}, tokenHash(token))
	d, derr := s.settingsData(r)
	if derr != nil {
		return derr
	}
	if err != nil {
		return s.settingsError(w, r, d, "tokens", err)
	}
	d.NewToken, d.Section = token, "tokens"
	return s.page(w, r, "settings", "settings", d)
}

// tokenDelete revokes one of the user's API keys.
func (s *Server) tokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return cartera.NewError(cartera.ENOTFOUND, "token.not_found")
	}
	if err := s.st.DeleteToken(r.Context(), rc(r).user.ID, id); err != nil {
		return err
	}
	saved(w, r, "tokens")
	return nil
}
