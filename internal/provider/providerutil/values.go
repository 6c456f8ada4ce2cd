package providerutil

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
)

// IsKnown reports whether v holds a value: neither null nor unknown until apply.
func IsKnown(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// Quoted renders allowed values for documentation and messages: `a`, `b` or `c`.
func Quoted[T any](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("`%v`", v)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// QuotedAnd renders values as "`a`, `b` and `c`" for diagnostics and documentation ("none" for
// no values).
func QuotedAnd[T ~string](values []T) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + string(v) + "`"
	}
	switch len(q) {
	case 0:
		return "none"
	case 1:
		return q[0]
	default:
		return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
	}
}
