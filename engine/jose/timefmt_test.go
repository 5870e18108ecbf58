package jose_test

import (
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	ok := map[string]time.Time{
		"now":                  t0,
		"1h":                   t0.Add(time.Hour),
		"-30m":                 t0.Add(-30 * time.Minute),
		"+7d":                  t0.Add(7 * 24 * time.Hour),
		"1d12h":                t0.Add(36 * time.Hour),
		"2026-03-01T10:00:00Z": time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		"2026-03-01T10:00":     time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		"2026-03-01":           time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		"@1767225600":          time.Unix(1767225600, 0),
	}
	for in, want := range ok {
		got, err := jose.ParseTime(in, t0)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "3600", "1 hour", "@x", "tomorrow", "--1h", "1.5d"} {
		if got, err := jose.ParseTime(in, t0); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", in, got)
		}
	}
}

func TestDescribeTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		claim string
		d     time.Duration
		want  string
	}{
		{"exp", 12 * time.Minute, "expires in 12m"},
		{"exp", 59*time.Minute + 59*time.Second, "expires in 1h"},
		{"exp", -3 * time.Hour, "expired 3h ago"},
		{"exp", 90 * time.Minute, "expires in 1h30m"},
		{"exp", 50 * time.Hour, "expires in 2d2h"},
		{"nbf", 5 * time.Minute, "not valid for another 5m"},
		{"nbf", -45 * time.Second, "valid since 45s ago"},
		{"iat", 0, "issued just now"},
		{"iat", -2 * time.Minute, "issued 2m ago"},
		{"iat", 2 * time.Minute, "issued 2m in the future"},
		{"auth_time", -24 * time.Hour, "1d ago"},
	}
	for _, c := range cases {
		if got := jose.DescribeTime(c.claim, t0.Add(c.d), t0); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.claim, c.d, got, c.want)
		}
	}
}
