package web

import (
	"net/http"
	"strings"

	"github.com/cartera/cartera"
)

// Referrals (the providers the team recommends, offered by the scripts)
// and holidays (the days no follow-up, call or snooze may fall on): a
// section of the settings page and their API. Everyone reads them; owners
// and managers change them. The store refuses a referral nobody can act
// on (no e-mail, phone or address).

// saveReferral stores a new referral: what the form and the API share.
func (s *Server) saveReferral(r *http.Request, ref cartera.Referral) (cartera.Referral, error) {
	if ref.ID == "" {
		ref.ID = cartera.NewID("REF")
	}
	ref.Version = 0 // a taken id is refused by the store
	return s.st.SaveReferral(r.Context(), ref)
}

// referralCreate adds a referral from the settings page.
func (s *Server) referralCreate(w http.ResponseWriter, r *http.Request) error {
	f := cartera.Referral{Service: strings.TrimSpace(r.PostFormValue("service")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Contact: strings.TrimSpace(r.PostFormValue("contact")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Note: strings.TrimSpace(r.PostFormValue("note"))}
	if _, err := s.saveReferral(r, f); err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		d.ReferralForm = f
		return s.settingsError(w, r, d, "referrals", err)
	}
	saved(w, r, "referrals")
	return nil
}

// referralDelete removes a referral from the settings page.
func (s *Server) referralDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.st.DeleteReferral(r.Context(), r.PathValue("id"), formVersion(r)); err != nil {
		return err
	}
	saved(w, r, "referrals")
	return nil
}

// holidayCreate adds (or renames) a holiday from the settings page.
func (s *Server) holidayCreate(w http.ResponseWriter, r *http.Request) error {
	h := cartera.Holiday{Name: strings.TrimSpace(r.PostFormValue("name"))}
	var err error
	if h.Day, err = formDate("date", r.PostFormValue("date")); err == nil && h.Day.IsZero() {
		err = cartera.FieldError("date", "value.required")
	}
	if err == nil {
		err = s.st.SaveHoliday(r.Context(), h)
	}
	if err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		d.HolidayForm = holidayForm{Date: r.PostFormValue("date"), Name: h.Name}
		return s.settingsError(w, r, d, "holidays", err)
	}
	saved(w, r, "holidays")
	return nil
}

// holidayDelete removes a holiday from the settings page.
func (s *Server) holidayDelete(w http.ResponseWriter, r *http.Request) error {
	day, err := formDate("date", r.PathValue("date"))
	if err != nil || day.IsZero() {
		return cartera.NewError(cartera.ENOTFOUND, "page.not_found")
	}
	if err := s.st.DeleteHoliday(r.Context(), day); err != nil {
		return err
	}
	saved(w, r, "holidays")
	return nil
}

// holidayForm keeps what was typed when a holiday is refused.
type holidayForm struct{ Date, Name string }

func (s *Server) apiReferrals(w http.ResponseWriter, r *http.Request) error {
	all, err := s.st.Referrals(r.Context())
	if err != nil {
		return err
	}
	if all == nil {
		all = []cartera.Referral{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": all})
}

func (s *Server) apiReferralCreate(w http.ResponseWriter, r *http.Request) error {
	var ref cartera.Referral
	if err := decode(w, r, &ref); err != nil {
		return err
	}
	saved, err := s.saveReferral(r, ref)
	if err != nil {
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusCreated, saved)
}

func (s *Server) apiReferralDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if err := s.st.DeleteReferral(r.Context(), r.PathValue("id"), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiHolidays(w http.ResponseWriter, r *http.Request) error {
	hs, err := s.st.Holidays(r.Context())
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []cartera.Holiday{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": hs})
}

func (s *Server) apiHolidayCreate(w http.ResponseWriter, r *http.Request) error {
	var h cartera.Holiday
	if err := decode(w, r, &h); err != nil {
		return err
	}
	if h.Day.IsZero() {
		return cartera.FieldError("date", "value.required")
	}
	if err := s.st.SaveHoliday(r.Context(), h); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, h)
}

func (s *Server) apiHolidayDelete(w http.ResponseWriter, r *http.Request) error {
	day, err := formDate("date", r.PathValue("date"))
	if err != nil || day.IsZero() {
		return cartera.FieldError("date", "value.not_date", "value", r.PathValue("date"))
	}
	if err := s.st.DeleteHoliday(r.Context(), day); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
