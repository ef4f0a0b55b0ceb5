package cartera

// Hours is a duration of work in hundredths of an hour: 150 is 1,5 h. Time
// sheets are kept in decimal hours, so hundredths keep every value exact.
type Hours int64

// HoursOf returns n whole hours.
func HoursOf(n int64) Hours { return Hours(n * 100) }

// String formats h plainly ("1.50"); user-facing text goes through i18n.
func (h Hours) String() string { return FormatDecimal(int64(h), 2, '.') }

// Label is a catalog key given as a message argument: it is shown
// translated.
type Label string

// Hundredths is a plain number in hundredths (a fitted weight): -28 is
// -0.28.
type Hundredths int64

// Multiplier is a factor in hundredths: 75 is ×0.75.
type Multiplier int64

// BasisPoints is a ratio in hundredths of a percent: 1500 is 15 %.
type BasisPoints int64

// String formats b plainly ("15.00%").
func (b BasisPoints) String() string { return FormatDecimal(int64(b), 2, '.') + "%" }

// Ratio returns num/den in basis points, rounded half away from zero. It
// returns 0 when den is 0.
func Ratio(num, den int64) BasisPoints {
	if den == 0 {
		return 0
	}
	return BasisPoints(MulDivRound(num, 10000, den))
}

// Tenths is a small quantity with one decimal, such as a mean severity: 33
// is 3,3.
type Tenths int64

// String formats t plainly ("3.3").
func (t Tenths) String() string { return FormatDecimal(int64(t), 1, '.') }
