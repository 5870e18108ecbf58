package scenario

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/probe"
	"github.com/authlab/authlab/engine/report"
)

// ProbeStep fires authlab probe's battery of token attacks at a route's
// authorizer (docs/probe.md): every attack accepted is a failure.
type ProbeStep struct {
	Route     string                       `yaml:"route" doc:"METHOD PATH of the request to attack, as fire takes them, e.g. GET /orders/1." required:"true"`
	Token     string                       `yaml:"token" doc:"The baseline credential the authorizer must accept: a token of this file (its key signs the claims attacks), a named token of the gateway file, or a literal (${tokens.NAME} works too). Default: the gateway's named tokens, the first one accepted."`
	Headers   map[string]config.StringList `yaml:"headers" doc:"Headers sent with every attack."`
	Key       string                       `yaml:"key" doc:"Private key or secret file that signs the route's tokens, relative to this file, when the token does not bring its own: the claims attacks are re-signed with it."`
	PublicKey string                       `yaml:"publicKey" doc:"The public key the authorizer verifies with (PEM, JWK, JWKS), relative to this file: feeds the HS256 key-confusion attacks."`
	Expect    string                       `yaml:"expect" doc:"all-refused (the default): the step fails when any attack is accepted, or when no baseline is accepted (nothing could be judged)." enum:"all-refused"`
}

// ProbePlan is a resolved probe step.
type ProbePlan struct {
	Method  string
	Target  string
	Headers []string
	// cred is the baseline; named is a gateway token name to mint at the
	// step's virtual time instead; neither means the gateway's tokens.
	cred      *probe.Credential
	named     string
	key       *jose.Key
	keyLabel  string
	publicKey *probe.PublicKey
}

func (p *ProbePlan) String() string { return "probe " + p.Method + " " + p.Target }

const probeAllRefused = "all-refused"

// probe resolves a probe step.
func (l *loader) probe(sc *scope, base string, ps *ProbeStep) *ProbePlan {
	route := strings.TrimSpace(l.render(sc, base+".route", ps.Route))
	method, target, ok := strings.Cut(route, " ")
	target = strings.TrimSpace(target)
	if !ok || target == "" {
		l.errf(base+".route", "probe.route %q: expected METHOD PATH, e.g. GET /orders/1", route)
		return nil
	}
	p := &ProbePlan{Method: strings.ToUpper(method), Target: target}
	if !slices.Contains(httpMethods, p.Method) {
		l.errf(base+".route", "probe.route: unknown method %q; expected one of %s", method, strings.Join(httpMethods, ", "))
		return nil
	}
	for _, k := range keys(ps.Headers) {
		for _, v := range ps.Headers[k] {
			p.Headers = append(p.Headers, fmt.Sprintf("%s: %s", k, l.render(sc, base+".headers."+k, v)))
		}
	}
	if _, err := engine.NewRequest(p.Method, p.Target, p.Headers, nil); err != nil {
		l.errf(base+".route", "probe: %v", err)
		return nil
	}
	if e := ps.Expect; e != "" && e != probeAllRefused {
		l.errf(base+".expect", "probe.expect %q: the only expectation is %s", e, probeAllRefused)
	}
	if ps.Key != "" {
		ks, err := jose.LoadKeys(l.rel(l.render(sc, base+".key", ps.Key)))
		if err == nil {
			p.key, err = ks.Select("")
		}
		if err != nil {
			l.errf(base+".key", "probe.key: %v", err)
		} else if !p.key.IsPrivate() {
			l.errf(base+".key", "probe.key holds %s: it signs the claims attacks, give the private key (the public one goes in publicKey)", p.key.Describe())
		}
		p.keyLabel = ps.Key
	}
	if ps.PublicKey != "" {
		pk, err := probe.LoadPublicKey(l.rel(l.render(sc, base+".publicKey", ps.PublicKey)))
		if err != nil {
			l.errf(base+".publicKey", "probe.publicKey: %v", err)
		}
		p.publicKey = pk
	}
	tok := l.render(sc, base+".token", ps.Token)
	switch {
	case tok == "":
	case l.tokenKeys[tok] != nil || (l.tokens[tok] != "" && !strings.HasPrefix(l.tokens[tok], "<token ")):
		// A token of this file, minted at the clock's start with its key.
		c := probe.Credential{Label: "token " + tok + " (scenario)", Token: l.tokens[tok], Key: l.tokenKeys[tok], KeyLabel: "tokens." + tok}
		p.cred = &c
	case l.gw != nil && l.gw.Token(tok) != nil:
		p.named = tok
	default:
		p.cred = &probe.Credential{Label: "token", Token: tok}
	}
	if p.cred != nil && p.cred.Key == nil && p.key != nil {
		p.cred.Key, p.cred.KeyLabel = p.key, p.keyLabel
	}
	if l.gw != nil && tok == "" && len(l.gw.Tokens) == 0 {
		l.errKey(base, "probe: give token: the gateway file has no named tokens to start from")
	}
	return p
}

// credentials are the baseline candidates at the step's virtual time.
func (p *ProbePlan) credentials(g *config.Gateway, now time.Time) ([]probe.Credential, error) {
	switch {
	case p.cred != nil:
		return []probe.Credential{*p.cred}, nil
	case p.named != "":
		c, err := probe.NamedToken(g, p.named, now)
		if err != nil {
			return nil, err
		}
		return []probe.Credential{c}, nil
	}
	return probe.GatewayTokens(g, now), nil
}

// probeStep runs the battery on a gateway of its own at the step's virtual
// time: the attacks empty the authorizer caches between them, and the
// scenario's own cache and call counts are left as they were.
func probeStep(ctx context.Context, sc *Scenario, o Options, clk *clock.Virtual, p *StepPlan) *StepResult {
	st := &StepResult{Plan: p, Status: Passed, Clock: clk.Now()}
	start := time.Now()
	defer func() { st.Duration = time.Since(start) }()
	fail := func(check, msg string) {
		st.Status = Failed
		st.Failures = append(st.Failures, Failure{Check: check, Message: msg})
	}
	e, err := engine.New(sc.Gateway, engine.Options{Clock: clock.NewVirtual(clk.Now()), Elapsed: o.Elapsed, Functions: o.Functions,
		Random: rand.NewChaCha8([32]byte{'p', 'r', 'o', 'b', 'e'})})
	if err != nil {
		fail("probe", "probe: starting the gateway: "+err.Error())
		return st
	}
	defer e.Close()
	pp := p.Probe
	creds, err := pp.credentials(sc.Gateway, clk.Now())
	if err != nil {
		fail("probe", "probe: "+err.Error())
		return st
	}
	rep, err := probe.Run(ctx, e, probe.Options{Method: pp.Method, Target: pp.Target, Headers: pp.Headers, Credentials: creds, PublicKey: pp.publicKey})
	if err != nil {
		fail("probe", "probe: "+err.Error())
		return st
	}
	st.Probe = rep
	if rep.Problem != "" {
		fail("probe", "probe: "+rep.Problem)
		if n := len(rep.Tried); n > 0 {
			st.Result = rep.Tried[n-1].Result
		}
		return st
	}
	for _, a := range rep.AcceptedAttacks() {
		if st.Result == nil {
			st.Result = a.Result // the first accepted attack's trace
		}
		// The answer comes from the authorizer: abbreviated with the
		// attack's own secrets, whatever --reveal says of the trace.
		red := report.ForResult(a.Result, false)
		msg := fmt.Sprintf("probe: accepted %s — %d, authorizer %s: %s", a.Name, a.Status, a.Outcome, red.String(a.Answer))
		if a.Why != "" {
			msg += "; " + red.String(a.Why)
		}
		fail("probe."+a.ID, msg+" ["+a.Reference+"]")
	}
	return st
}
