// Package probe fires the known token attacks at a route's authorizer
// through the full gateway engine and judges each answer: `authlab probe`,
// the scenario step `probe:` and the TUI's Probe action all run this.
//
// A probe starts from a credential the authorizer accepts (the baseline).
// Without one the attacks would prove nothing, so every attack is then
// reported as skipped, never as refused. Each attack is one request built
// from the baseline — the token altered (alg none, a stripped signature,
// claims re-signed with the known key, a kid with SQL in it, ...) or moved
// (another scheme, two headers, the query string) — sent where the route's
// authorizer reads its credential (engine.TokenSlot), with an empty
// authorizer cache so that no attack rides on another's cached answer.
//
// An attack is accepted when the request reached the backend: the
// authorizer, and every gateway check after it, let it through.
package probe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/trace"
)

// Verdict is what an attack's answer means.
type Verdict string

const (
	// Refused: the gateway did not let the attack through (✓).
	Refused Verdict = "refused"
	// Passed: a check that is not a plain refusal held, e.g. a forged
	// header was overwritten before the backend (✓).
	Passed Verdict = "passed"
	// Accepted: the attack reached the backend (✗); the probe fails.
	Accepted Verdict = "accepted"
	// Note: accepted, but not a way in (a lowercase "bearer", a long-lived
	// token the key holder signed); reported, never a failure (!).
	Note Verdict = "note"
	// Skipped: not run, and the reason says why (–).
	Skipped Verdict = "skipped"
)

// Mark is the verdict's one-character symbol.
func (v Verdict) Mark() string {
	switch v {
	case Refused, Passed:
		return "✓"
	case Accepted:
		return "✗"
	case Note:
		return "!"
	}
	return "–"
}

// Groups of attacks, in the order they run and are reported.
const (
	GroupSignature = "signature"
	GroupAlg       = "alg"
	GroupClaims    = "claims"
	GroupKey       = "key selection"
	GroupTransport = "transport"
	GroupGateway   = "gateway"
)

// Groups lists the groups in report order.
var Groups = []string{GroupSignature, GroupAlg, GroupClaims, GroupKey, GroupTransport, GroupGateway}

// Placement is one value the client sent for an attack: where, and what.
type Placement struct {
	Where string `json:"where"` // "header Authorization", "query access_token"
	Value string `json:"value"` // the value as sent (abbreviated on output unless revealed)
	// Secret marks a credential value: abbreviated unless revealed.
	Secret bool `json:"-"`
}

// Attack is one row of the report.
type Attack struct {
	ID        string      `json:"id"`
	Group     string      `json:"group"`
	Name      string      `json:"name"`
	Reference string      `json:"reference"`
	Sent      []Placement `json:"sent,omitempty"`
	// Header is the JOSE header of the token sent, when it is a JWT: what
	// the abbreviated token hides.
	Header  string  `json:"joseHeader,omitempty"`
	Verdict Verdict `json:"verdict"`
	// Why explains a skip, a note, or what else was seen (a fetched URL).
	Why string `json:"why,omitempty"`
	// Outcome is what the route's authorizer did: called, cached, skipped
	// (not called); Answer says what it answered.
	Outcome string `json:"authorizerOutcome,omitempty"`
	Answer  string `json:"authorizerAnswer,omitempty"`
	// Status is what the gateway answered the client.
	Status int `json:"status,omitempty"`
	// Fetched lists the URLs of authlab's key server the authorizer fetched.
	Fetched []string `json:"fetched,omitempty"`
	// Result is the engine's result (the trace); nil when skipped.
	Result *engine.Result `json:"-"`
}

// Credential is a starting point: a token the authorizer should accept.
type Credential struct {
	// Label says where it came from: "token alice (gateway file)".
	Label string
	// Token as the client sends it; the slot's scheme is added if missing.
	Token string
	// Key signed Token, when known: claims attacks re-sign with it.
	Key *jose.Key
	// KeyLabel names the key for the report ("keys/rsa.pem").
	KeyLabel string
}

// PublicKey is the key the authorizer verifies with, for the algorithm
// confusion attacks: Secret is what a confused verifier takes for an HMAC
// secret (the file as written, else the key's PEM).
type PublicKey struct {
	Key    *jose.Key
	Secret []byte
	Source string
}

// Options describe one probe.
type Options struct {
	// Method and Target ("/orders/1?x=y") pick the route, as fire takes them.
	Method string
	Target string
	// Headers ("Name: value") and Body go with every request.
	Headers []string
	Body    []byte
	// Credentials are tried in order; the first the authorizer accepts is
	// the baseline. Empty: the attacks that need no credential still cannot
	// run, so the probe reports every attack as skipped.
	Credentials []Credential
	// PublicKey, when given, feeds the algorithm confusion attacks (else
	// the gateway's own keys, a known signing key's public half, or an x5c).
	PublicKey *PublicKey
	// Progress, when set, is told after each request (for a progress bar).
	Progress func(done, total int)
}

// Report is the outcome of a probe.
type Report struct {
	Method         string            `json:"method"`
	Target         string            `json:"path"`
	Route          string            `json:"route,omitempty"`
	Authorizer     string            `json:"authorizer,omitempty"`
	AuthorizerType string            `json:"authorizerType,omitempty"`
	Slot           *engine.TokenSlot `json:"tokenSlot,omitempty"`
	Credential     string            `json:"credential,omitempty"`
	Alg            string            `json:"alg,omitempty"`
	KID            string            `json:"kid,omitempty"`
	SigningKey     string            `json:"signingKey,omitempty"`
	PublicKey      string            `json:"publicKey,omitempty"`
	Now            time.Time         `json:"clock"`
	// Baseline is the credential's own request (Verdict Accepted when the
	// authorizer let it through, as it must).
	Baseline *Attack `json:"baseline,omitempty"`
	// Tried are the credentials refused before the baseline was found.
	Tried []*Attack `json:"tried,omitempty"`
	// Problem says why the probe could not judge the authorizer at all (no
	// authorizer, no baseline); every attack is then skipped.
	Problem string `json:"problem,omitempty"`
	// Notes are facts that change what the attacks mean (a key the
	// authorizer does not trust, no public key).
	Notes   []string  `json:"notes,omitempty"`
	Attacks []*Attack `json:"attacks"`
}

// Counts tallies the verdicts.
type Counts struct {
	Refused  int `json:"refused"` // refused + passed
	Accepted int `json:"accepted"`
	Notes    int `json:"notes"`
	Skipped  int `json:"skipped"`
}

// Counts adds up the attacks' verdicts.
func (r *Report) Counts() Counts {
	var c Counts
	for _, a := range r.Attacks {
		switch a.Verdict {
		case Refused, Passed:
			c.Refused++
		case Accepted:
			c.Accepted++
		case Note:
			c.Notes++
		default:
			c.Skipped++
		}
	}
	return c
}

// AcceptedAttacks lists the attacks that got through.
func (r *Report) AcceptedAttacks() []*Attack {
	var out []*Attack
	for _, a := range r.Attacks {
		if a.Verdict == Accepted {
			out = append(out, a)
		}
	}
	return out
}

// OK reports whether the probe ran and no attack was accepted.
func (r *Report) OK() bool { return r.Problem == "" && r.Counts().Accepted == 0 }

// Exit codes of `authlab probe`.
const (
	ExitOK       = 0 // every attack that ran was refused
	ExitAccepted = 1 // an attack was accepted
	ExitNoProbe  = 2 // no baseline (or no authorizer): nothing was judged
)

// ExitCode is 2 when nothing could be judged, 1 when an attack was
// accepted, else 0.
func (r *Report) ExitCode() int {
	switch {
	case r.Problem != "":
		return ExitNoProbe
	case r.Counts().Accepted > 0:
		return ExitAccepted
	}
	return ExitOK
}

// Run probes the route that o.Method and o.Target select on e. It returns
// an error only for a request that cannot be built (a usage error); every
// other problem is in the report, with the attacks skipped.
func Run(ctx context.Context, e *engine.Engine, o Options) (*Report, error) {
	if _, err := engine.NewRequest(o.Method, o.Target, o.Headers, o.Body); err != nil {
		return nil, err
	}
	r := &Report{Method: o.Method, Target: o.Target, Now: e.Clock().Now().UTC(), Attacks: []*Attack{}}
	p := &prober{ctx: ctx, e: e, o: o, r: r}
	defer p.close()
	p.run()
	return r, nil
}

// prober holds one probe's state.
type prober struct {
	ctx context.Context
	e   *engine.Engine
	o   Options
	r   *Report

	slot   engine.TokenSlot
	cred   Credential
	token  string // the baseline credential, without the slot's scheme
	jwt    *jwtParts
	key    *jose.Key // signing key the authorizer trusts (control passed)
	keyAlg string
	pub    *PublicKey
	mine   *ownKey // authlab's own key, made on first use
	srv    *keyServer
	done   int
	total  int
}

func (p *prober) close() {
	if p.srv != nil {
		p.srv.Close()
	}
}

// request builds a fresh request: the engine fills in what it reads.
func (p *prober) request() *engine.Request {
	req, _ := engine.NewRequest(p.o.Method, p.o.Target, p.o.Headers, p.o.Body)
	return req
}

// fire sends one request with an empty authorizer cache.
func (p *prober) fire(req *engine.Request) *engine.Result {
	p.e.FlushCache("", "")
	res := p.e.Do(p.ctx, req)
	p.done++
	if p.o.Progress != nil {
		p.o.Progress(p.done, max(p.total, p.done))
	}
	return res
}

// reached reports whether a request got through to the backend.
func reached(res *engine.Result) bool {
	st := res.Trace.Stage(trace.Backend)
	return st != nil && st.Status != trace.Skip
}

// answer says, in a few words, what the authorizer and the gateway checks
// after it made of a request.
func answer(res *engine.Result) string {
	for _, name := range []string{trace.Route, trace.Identity, trace.Cache, trace.Authorizer, trace.ResponseCheck, trace.Policy} {
		st := res.Trace.Stage(name)
		if st == nil || st.Status != trace.Fail {
			continue
		}
		s := name + ": " + st.Summary
		if len(st.Rules) > 0 {
			s += " [" + strings.Join(st.Rules, ", ") + "]"
		}
		return s
	}
	if rt := res.Trace.Stage(trace.RequestTransform); rt != nil && rt.Status == trace.Fail {
		return "request-transform: " + rt.Summary
	}
	if reached(res) {
		if res.Principal != "" {
			return fmt.Sprintf("allowed (principal %s)", res.Principal)
		}
		return "allowed"
	}
	return "refused"
}

// record fills an attack row from a result.
func record(a *Attack, res *engine.Result) {
	a.Result = res
	a.Status = res.Response.Status
	a.Outcome = res.Outcome
	a.Answer = answer(res)
}

func (p *prober) run() {
	req := p.request()
	slot, err := p.e.TokenSlot(req.Method, req.RawPath)
	if err != nil {
		p.r.Problem = slotProblem(err)
		p.skipAll(p.r.Problem)
		return
	}
	p.slot = slot
	p.r.Slot = &slot
	p.describeRoute()
	if !p.findBaseline() {
		p.skipAll(p.r.Problem)
		return
	}
	p.prepareKeys()
	p.battery()
}

// slotProblem words TokenSlot's refusal for people.
func slotProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), engine.ErrNoTokenSlot.Error()+": ")
	return msg + ": there is no authorizer credential to attack"
}

// describeRoute names the route's authorizer and its type.
func (p *prober) describeRoute() {
	p.r.Authorizer = p.slot.Authorizer
	for _, a := range p.e.Config().Authorizers {
		if a.Name == p.slot.Authorizer {
			p.r.AuthorizerType = a.Type
		}
	}
}

// findBaseline fires each credential until the authorizer accepts one.
func (p *prober) findBaseline() bool {
	if len(p.o.Credentials) == 0 {
		p.r.Problem = "no credential to start from: give --token NAME|VALUE or --key FILE (a credential the authorizer accepts); the attacks are built from it"
		return false
	}
	for _, c := range p.o.Credentials {
		tok := stripScheme(c.Token, p.slot.Scheme)
		req := p.request()
		p.slot.Put(req, tok)
		a := &Attack{ID: "baseline", Name: "baseline: " + c.Label, Sent: []Placement{p.placed(tok)}}
		a.Header = joseHeader(tok)
		res := p.fire(req)
		record(a, res)
		p.r.Route = res.Route
		if reached(res) {
			a.Verdict = Accepted
			p.r.Baseline = a
			p.cred, p.token = c, tok
			p.r.Credential = c.Label
			if j, ok := parseJWT(tok); ok {
				p.jwt = j
				p.r.Alg, p.r.KID = j.alg, j.kid
			}
			return true
		}
		a.Verdict = Refused
		p.r.Tried = append(p.r.Tried, a)
	}
	last := p.r.Tried[len(p.r.Tried)-1]
	what := "the credential"
	if len(p.o.Credentials) > 1 {
		what = fmt.Sprintf("none of the %d credentials", len(p.o.Credentials))
		p.r.Problem = fmt.Sprintf("no baseline: the authorizer refuses %s (last: %s → %d, %s); a refused credential proves nothing about the attacks, so none was judged",
			what, last.Name[len("baseline: "):], last.Status, last.Answer)
		return false
	}
	p.r.Problem = fmt.Sprintf("no baseline: the authorizer refuses %s (%s → %d, %s); a refused credential proves nothing about the attacks, so none was judged — give one it accepts",
		what, p.o.Credentials[0].Label, last.Status, last.Answer)
	return false
}

// placed is a credential as the slot sends it.
func (p *prober) placed(tok string) Placement {
	return Placement{Where: p.slot.String(), Value: p.slot.Scheme + tok, Secret: true}
}

// stripScheme removes the slot's scheme from a credential given with it.
func stripScheme(tok, scheme string) string {
	if scheme != "" && len(tok) >= len(scheme) && strings.EqualFold(tok[:len(scheme)], scheme) {
		return tok[len(scheme):]
	}
	return tok
}

// setHeader sets a header to exactly the given values.
func setHeader(req *engine.Request, name string, values ...string) {
	req.Header.Del(name)
	for _, v := range values {
		req.AddHeader(name, v)
	}
}

// clearSlot removes the credential from its slot.
func (p *prober) clearSlot(req *engine.Request) {
	if p.slot.Kind == "query" {
		req.Query.Del(p.slot.Name)
		req.RawQuery = req.Query.Encode()
		return
	}
	req.Header.Del(p.slot.Name)
}
