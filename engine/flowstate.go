package engine

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/trace"
)

// flowState is one request's working memory, allocated at once: the
// pipeline and flow, the result and its trace with room for a typical
// trace's stages, details, secrets and text. A cache hit used to cost some
// 150 small allocations, most of them trace records nobody might read;
// carved from one block they cost one, and a request that records more
// than the room here just allocates the rest as before.
//
// Everything handed out points into the block, which lives as long as the
// Result does (a TUI history entry keeps its trace; a served request's is
// garbage once logged), so nothing here is ever reused or pooled.
type flowState struct {
	p        pipeline
	f        Flow
	res      Result
	tr       trace.Trace
	auth     authRun
	cached   CachedDecision
	upstream backend.Request
	resp     Response

	stages    [12]trace.Stage
	stagePtrs [12]*trace.Stage
	nstages   int
	details   [40]trace.Detail
	ndetails  int
	rules     [16]string
	nrules    int
	values    [4]string
	nvalues   int
	secrets   [6]string
	text      textArena
	textBuf   [640]byte
}

// cachedDecision keeps the request's one cache-hit record in the block.
func (p *pipeline) cachedDecision(c CachedDecision) *CachedDecision {
	if p.s.cached.Key != "" || p.s.cached.Stored != (time.Time{}) {
		other := c // a Huawei backend authorizer hit too: its own record
		return &other
	}
	p.s.cached = c
	return &p.s.cached
}

// oneValue is a one-value header slice ([]string{v}) from the block.
func (s *flowState) oneValue(v string) []string {
	if s.nvalues == len(s.values) {
		return []string{v}
	}
	i := s.nvalues
	s.nvalues++
	s.values[i] = v
	return s.values[i : i+1 : i+1]
}

// detailsPerStage is the room a stage gets for its details; one that adds
// more grows its own slice as any slice grows.
const detailsPerStage = 6

// rulesPerStage: most stages cite one rule, a few two.
const rulesPerStage = 2

// newStage hands out a stage record from the block.
func (s *flowState) newStage(name string, status trace.Status) *trace.Stage {
	var st *trace.Stage
	if s.nstages < len(s.stages) {
		st = &s.stages[s.nstages]
		s.nstages++
	} else {
		st = new(trace.Stage)
	}
	st.Name, st.Status = name, status
	if status != trace.Skip && s.ndetails+detailsPerStage <= len(s.details) {
		st.Details = s.details[s.ndetails : s.ndetails : s.ndetails+detailsPerStage]
		s.ndetails += detailsPerStage
	}
	if status != trace.Skip && s.nrules+rulesPerStage <= len(s.rules) {
		st.Rules = s.rules[s.nrules : s.nrules : s.nrules+rulesPerStage]
		s.nrules += rulesPerStage
	}
	return st
}

// textArena hands out strings that share one buffer: a trace's summaries,
// numbers and times are formatted into it instead of one allocation each.
// It only ever appends; bytes a string was made of are never written
// again (when the buffer is full, append moves on to a new one and the old
// one stays as it is), which is what makes the strings immutable.
type textArena struct {
	buf []byte
}

// mark is where the next string starts.
func (a *textArena) mark() int { return len(a.buf) }

// since is the string appended since mark m.
func (a *textArena) since(m int) string {
	b := a.buf[m:]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// concat joins parts into one string.
func (a *textArena) concat(parts ...string) string {
	m := a.mark()
	for _, p := range parts {
		a.buf = append(a.buf, p...)
	}
	return a.since(m)
}

// str appends one part to the string being built.
func (a *textArena) str(s string) *textArena {
	a.buf = append(a.buf, s...)
	return a
}

func (a *textArena) int(n int64) *textArena {
	a.buf = strconv.AppendInt(a.buf, n, 10)
	return a
}

func (a *textArena) dur(d time.Duration) *textArena {
	a.buf = append(a.buf, d.String()...)
	return a
}

func (a *textArena) time(t time.Time, layout string) *textArena {
	a.buf = t.AppendFormat(a.buf, layout)
	return a
}
