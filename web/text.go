package web

import (
	"net/http"
	"reflect"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Text enters the app here: JSON bodies (decode) and forms (wrap). It is
// brought to Unicode NFC, so that "José" typed with a combining accent is
// the same name as "José" typed with a precomposed one, in searches,
// comparisons (a seller's name against a client's owner) and uniqueness.
// What text may contain (valid UTF-8, no control or direction-override
// characters, something visible in a name) is checked by the records' own
// Validate methods, the same for imports.

// nfc normalises a string; the common case, already NFC (all ASCII text
// is), costs one scan and no allocation.
func nfc(s string) string { return norm.NFC.String(s) }

// normalizeStrings brings every string reachable from v (a pointer to a
// decoded body) to NFC: struct fields, slices, map values.
func normalizeStrings(v any) { normalizeValue(reflect.ValueOf(v)) }

func normalizeValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface && e.Kind() == reflect.String {
				if s := nfc(e.String()); s != e.String() && v.CanSet() {
					v.Set(reflect.ValueOf(s).Convert(e.Type()))
				}
				return
			}
			normalizeValue(e)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				normalizeValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			normalizeValue(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			if e.Kind() == reflect.String {
				if s := nfc(e.String()); s != e.String() {
					v.SetMapIndex(k, reflect.ValueOf(s).Convert(e.Type()))
				}
				continue
			}
			c := reflect.New(e.Type()).Elem()
			c.Set(e)
			normalizeValue(c)
			v.SetMapIndex(k, c)
		}
	case reflect.String:
		if v.CanSet() {
			if s := nfc(v.String()); s != v.String() {
				v.SetString(s)
			}
		}
	}
}

// normalizeForm brings a URL-encoded form's values to NFC before any
// handler reads them. Multipart bodies (uploads) are left to the importer,
// which normalises the text it reads.
func normalizeForm(r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return
	}
	if err := r.ParseForm(); err != nil {
		return // the handler meets the same error and answers it
	}
	for _, vals := range []map[string][]string{r.Form, r.PostForm} {
		for k, vs := range vals {
			for i, s := range vs {
				vals[k][i] = nfc(s)
			}
		}
	}
}
