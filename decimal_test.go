package cartera

import "testing"

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		exp  int
		mode DecimalMode
		want int64
		err  string
	}{
		{"1234.56", 2, DecimalAutoPoint, 123456, ""},
		{"1234,56", 2, DecimalAutoComma, 123456, ""},
		{"1.234,56", 2, DecimalAutoPoint, 123456, ""},
		{"1,234.56", 2, DecimalAutoComma, 123456, ""},
		{"1.234", 2, DecimalAutoComma, 123400, ""}, // Spanish grouping
		{"1.234", 3, DecimalAutoPoint, 1234, ""},   // English decimal
		{"1,234", 2, DecimalAutoPoint, 123400, ""}, // English grouping
		{"12,5", 2, DecimalAutoPoint, 1250, ""},    // not a group of three: decimal comma
		{"12.5", 2, DecimalAutoComma, 1250, ""},    // not a group of three: decimal point
		{"1.234.567,8", 2, DecimalAutoComma, 123456780, ""},
		{"1 234,56 €", 2, DecimalAutoComma, 123456, ""},
		{"-45", 2, DecimalAutoPoint, -4500, ""},
		{"(45,50)", 2, DecimalAutoComma, -4550, ""},
		{"0,1", 2, DecimalComma, 10, ""},
		{"1,234", 2, DecimalComma, 123, "value.too_many_decimals"},
		{"1.5", 0, DecimalAutoPoint, 0, "value.too_many_decimals"},
		{"1.50", 1, DecimalAutoPoint, 15, ""}, // trailing zeros are not decimals that matter
		{"abc", 2, DecimalAutoPoint, 0, "value.not_number"},
		{"", 2, DecimalAutoPoint, 0, "value.not_number"},
		{"1.2.3", 2, DecimalAutoPoint, 0, "value.not_number"},
		{"12,34,5", 2, DecimalAutoPoint, 0, "value.not_number"},
		{"1,", 2, DecimalAutoComma, 0, "value.not_number"},
		{"99999999999999999999", 2, DecimalAutoPoint, 0, "value.too_large"},
	}
	for _, tc := range tests {
		got, err := ParseDecimal(tc.in, tc.exp, tc.mode)
		if tc.err != "" {
			if err == nil || ErrorMessage(err).Key != tc.err {
				t.Errorf("ParseDecimal(%q): got %d, %v; want error %s", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseDecimal(%q, %d): got %d, %v; want %d", tc.in, tc.exp, got, err, tc.want)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1.234,56", "1,234.56", "-0,5", "(12)", "1e5", "٣", "1.2.3"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, exp int) {
		exp = ((exp % 5) + 5) % 5
		v, err := ParseDecimal(s, exp, DecimalAutoComma)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("errors must be EINVALID: %v", err)
			}
			return
		}
		// Whatever parsed must print and parse back to the same value.
		back, err := ParseDecimal(FormatDecimal(v, exp, ','), exp, DecimalComma)
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, FormatDecimal(v, exp, ','), back, err)
		}
	})
}
