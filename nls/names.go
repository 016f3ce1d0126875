package nls

import "fmt"

// MarshalText implements encoding.TextMarshaler ("linear", "huber",
// "soft_l1", "cauchy").
func (l Loss) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, for flags and
// configuration files; it accepts the names of String.
func (l *Loss) UnmarshalText(b []byte) error {
	for v := Linear; v <= Cauchy; v++ {
		if v.String() == string(b) {
			*l = v
			return nil
		}
	}
	return fmt.Errorf("unknown loss %q (want linear, huber, soft_l1 or cauchy)", b)
}

// MarshalText implements encoding.TextMarshaler ("levenberg-marquardt",
// "gauss-newton").
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts the names of
// String and the short forms "lm" and "gn".
func (m *Method) UnmarshalText(b []byte) error {
	switch string(b) {
	case "levenberg-marquardt", "lm":
		*m = LevenbergMarquardt
	case "gauss-newton", "gn":
		*m = GaussNewton
	default:
		return fmt.Errorf("unknown method %q (want levenberg-marquardt (lm) or gauss-newton (gn))", b)
	}
	return nil
}
