package jose

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration is time.ParseDuration plus a "d" (24h) unit, since token
// lifetimes are often days: "90s", "15m", "1h30m", "7d", "-1h".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	neg := false
	rest := s
	if rest[0] == '-' || rest[0] == '+' {
		neg, rest = rest[0] == '-', rest[1:]
	}
	var days time.Duration
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("bad duration %q: days must be a whole number before \"d\"", s)
		}
		days, rest = time.Duration(n)*24*time.Hour, rest[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, fmt.Errorf("bad duration %q: use a number with a unit (s, m, h, d), e.g. 90s, 15m, 1h30m, 7d", s)
		}
	}
	if neg {
		return -(days + d), nil
	}
	return days + d, nil
}

// timeLayouts are the absolute forms ParseTime accepts; times without a zone
// are UTC so that a scenario or a CI job gets the same token anywhere.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseTime reads a time given relative to now or absolutely:
//
//	now                      now itself
//	1h, -30m, +7d            now plus (minus) a duration
//	2026-01-01T10:00:00Z     RFC 3339; without a zone ("2026-01-01T10:00", "2026-01-01") UTC
//	@1767225600              Unix seconds
//
// A bare number is refused: "3600" could mean a lifetime or a date in 1970.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, fmt.Errorf("empty time")
	case strings.EqualFold(s, "now"):
		return now, nil
	case s[0] == '@':
		n, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad time %q: after @ give Unix seconds, e.g. @1767225600", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Time{}, fmt.Errorf("bad time %q: give a duration with a unit (3600s, 1h) or a Unix time as @%s", s, s)
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if d, err := ParseDuration(s); err == nil {
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("bad time %q: give a duration from now (1h, -30m, 7d), a date (2026-01-01T10:00:00Z) or @unix", s)
}

// HumanDuration rounds a duration to what a person reads at a glance: "45s",
// "12m", "3h", "3h5m", "2d4h". It rounds rather than truncates, so a token
// minted for an hour reads "1h" a moment later, not "59m".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < 59*time.Second+500*time.Millisecond:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < 59*time.Minute+30*time.Second:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 23*time.Hour+30*time.Minute:
		d = d.Round(time.Minute)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	d = d.Round(time.Hour)
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

// DescribeTime phrases a time claim relative to now: "expires in 12m",
// "expired 3h ago", "not valid for another 5m", "issued 2m ago".
func DescribeTime(claim string, t, now time.Time) string {
	d := t.Sub(now)
	rel := HumanDuration(d)
	future := d > 0
	if d > -time.Second && d < time.Second && claim == "iat" {
		return "issued just now"
	}
	switch claim {
	case "exp":
		if future {
			return "expires in " + rel
		}
		return "expired " + rel + " ago"
	case "nbf":
		if future {
			return "not valid for another " + rel
		}
		return "valid since " + rel + " ago"
	case "iat":
		if future {
			return "issued " + rel + " in the future"
		}
		return "issued " + rel + " ago"
	}
	if future {
		return "in " + rel
	}
	return rel + " ago"
}
