package serve

import (
	"fmt"
	"strconv"
	"strings"
)

// ByteSize is a size flag: "65536", "512KB", "10MiB", "1GB". KB/MB/GB are
// read as powers of 1024 like KiB/MiB/GiB, because that is what people mean
// when they type a body limit.
type ByteSize int64

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
	{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30},
	{"B", 1},
}

func (s *ByteSize) Set(v string) error {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("invalid size %q: expected bytes or a number with KiB, MiB or GiB", v)
	}
	*s = ByteSize(n * mult)
	return nil
}

func (s *ByteSize) String() string {
	n := int64(*s)
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

func (s *ByteSize) Type() string { return "size" }
