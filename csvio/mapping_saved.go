package csvio

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cartera/cartera"
)

// Saved mappings are kept as settings, one per mapping under
// "mapping:<name>", holding the mapping file's text exactly as saved (the
// same JSON as a --map file), so that what the web app saves the command
// line reads and exports unchanged.
//
// The store keeps settings by key and cannot list them, so the names are
// also kept in an index under "mappings". The two writes are not one
// transaction: a crash between them, or two people saving different new
// mappings at the same instant, can leave a name out of the index, never
// a mapping half written. Saving again puts the name back, and loading by
// name does not need the index. Listing skips names whose mapping is gone.
const (
	savedMappingPrefix = "mapping:"
	savedMappingIndex  = "mappings"
	maxMappingName     = 60
)

// CheckMappingName accepts names made of letters, digits, '-', '_' and
// '.', up to 60 characters, not starting with '.': a name is typed on the
// command line (cartera import --map NAME) and sits in a URL.
func CheckMappingName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxMappingName || strings.HasPrefix(name, ".") {
		return cartera.FieldError("name", "mapping.bad_name", "max", maxMappingName)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != '.' {
			return cartera.FieldError("name", "mapping.bad_name", "max", maxMappingName)
		}
	}
	return nil
}

// SavedMappingNames lists the saved mappings, sorted.
func SavedMappingNames(ctx context.Context, st cartera.SettingsStore) ([]string, error) {
	names, err := mappingIndex(ctx, st)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if _, err := st.Setting(ctx, savedMappingPrefix+n); err == nil {
			out = append(out, n)
		} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
			return nil, err
		}
	}
	return out, nil
}

func mappingIndex(ctx context.Context, st cartera.SettingsStore) ([]string, error) {
	v, err := st.Setting(ctx, savedMappingIndex)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal([]byte(v), &names); err != nil {
		return nil, nil // a damaged index lists nothing; the mappings themselves are intact
	}
	return names, nil
}

func putMappingIndex(ctx context.Context, st cartera.SettingsStore, names []string) error {
	sort.Strings(names)
	b, _ := json.Marshal(names)
	return st.PutSetting(ctx, savedMappingIndex, string(b))
}

// SavedMapping returns a saved mapping and its text; ENOTFOUND when there
// is none of that name.
func SavedMapping(ctx context.Context, st cartera.SettingsStore, name string) (*Mapping, []byte, error) {
	if CheckMappingName(name) != nil {
		return nil, nil, cartera.NewError(cartera.ENOTFOUND, "mapping.not_found", "name", name)
	}
	v, err := st.Setting(ctx, savedMappingPrefix+name)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return nil, nil, cartera.NewError(cartera.ENOTFOUND, "mapping.not_found", "name", name)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := LoadMapping(name+".json", []byte(v))
	if err != nil {
		return nil, nil, err
	}
	return m, []byte(v), nil
}

// SaveMapping checks a mapping file's text, and its stages against the
// pipeline p, and saves it under name, replacing any mapping of that
// name. A bad mapping is a *ProblemsError, each problem at its line and
// column in text; a bad name is an invalid-field error.
func SaveMapping(ctx context.Context, st cartera.SettingsStore, p cartera.Pipeline, name string, text []byte) (*Mapping, error) {
	if err := CheckMappingName(name); err != nil {
		return nil, err
	}
	m, err := LoadMapping(name+".json", text)
	if err != nil {
		return nil, err
	}
	if probs := m.checkPipeline(p); len(probs) > 0 {
		return nil, &ProblemsError{Problems: probs}
	}
	if err := st.PutSetting(ctx, savedMappingPrefix+name, string(text)); err != nil {
		return nil, err
	}
	return m, indexMapping(ctx, st, name)
}

// SaveMappingAt is SaveMapping for someone who read the mapping at version
// (0: there was none): a mapping saved by someone else since is an
// ECONFLICT "setting.stale" and nothing is written. It returns the new
// version.
func SaveMappingAt(ctx context.Context, st cartera.SettingsStore, p cartera.Pipeline, name string, text []byte,
	version int64) (*Mapping, int64, error) {
	if err := CheckMappingName(name); err != nil {
		return nil, 0, err
	}
	m, err := LoadMapping(name+".json", text)
	if err != nil {
		return nil, 0, err
	}
	if probs := m.checkPipeline(p); len(probs) > 0 {
		return nil, 0, &ProblemsError{Problems: probs}
	}
	v, err := st.PutSettingAt(ctx, savedMappingPrefix+name, string(text), version)
	if err != nil {
		return nil, 0, err
	}
	return m, v, indexMapping(ctx, st, name)
}

// MappingVersion returns the version of a saved mapping (0 when there is
// none of that name).
func MappingVersion(ctx context.Context, st cartera.SettingsStore, name string) (int64, error) {
	_, v, err := st.SettingAt(ctx, savedMappingPrefix+name)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return 0, nil
	}
	return v, err
}

// indexMapping puts a name in the index of saved mappings.
func indexMapping(ctx context.Context, st cartera.SettingsStore, name string) error {
	names, err := mappingIndex(ctx, st)
	if err != nil {
		return err
	}
	for _, n := range names {
		if n == name {
			return nil
		}
	}
	return putMappingIndex(ctx, st, append(names, name))
}

// DeleteSavedMapping removes a saved mapping; ENOTFOUND when there is
// none of that name.
func DeleteSavedMapping(ctx context.Context, st cartera.SettingsStore, name string) error {
	if CheckMappingName(name) != nil {
		return cartera.NewError(cartera.ENOTFOUND, "mapping.not_found", "name", name)
	}
	if _, err := st.TakeSetting(ctx, savedMappingPrefix+name); err != nil {
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return cartera.NewError(cartera.ENOTFOUND, "mapping.not_found", "name", name)
		}
		return err
	}
	names, err := mappingIndex(ctx, st)
	if err != nil {
		return err
	}
	kept := names[:0]
	for _, n := range names {
		if n != name {
			kept = append(kept, n)
		}
	}
	return putMappingIndex(ctx, st, kept)
}

// CheckPipeline reports, as a *ProblemsError, stage targets of the
// mapping that are not stages of p.
func (m *Mapping) CheckPipeline(p cartera.Pipeline) error {
	if probs := m.checkPipeline(p); len(probs) > 0 {
		return &ProblemsError{Problems: probs}
	}
	return nil
}

// IsUnrecognised reports whether an import or preview failed only because
// a file's header was not recognised (or fell short of a format): the
// case a mapping step is for.
func IsUnrecognised(err error) bool {
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 || pe.More > 0 {
		return false
	}
	switch pe.Problems[0].Msg.Key {
	case "import.unknown_header", "import.vendor_missing_columns", "mapping.missing_columns", "import.missing_columns":
		// A file missing columns of cartera's own formats may well be a
		// spreadsheet where one header happened to match ("Vendedor"):
		// the mapping step shows the reason and lets the person decide.
		return true
	}
	return false
}
