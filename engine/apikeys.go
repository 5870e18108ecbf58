package engine

import (
	"crypto/sha1"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
)

// API keys and usage plans of a REST API (semantics AWS-K*): the api-key
// stage finds and checks the key (AWS-K1, AWS-K2), the usage-plan stage
// throttles (AWS-K4) and counts the quota (AWS-K5), both after the
// authorizer (AWS-K3) and both on the virtual clock.

// usage is a compiled gateway's keys and plans with their counters. A
// reload starts the counters afresh.
type usage struct {
	source  string // HEADER | AUTHORIZER
	stage   string
	byValue map[string]*config.APIKey
	planOf  map[string]*planState // key name → its plan on this stage
	mu      sync.Mutex
}

type planState struct {
	cfg     *config.UsagePlan
	buckets map[string]*bucket // key name + method key
	quotas  map[string]*quotaState
}

// bucket is a token bucket (AWS-K4): capacity burstLimit, refilled at
// rateLimit per second of virtual time, full at first.
type bucket struct {
	tokens float64
	last   time.Time
}

// quotaState counts one key's requests in the current period (AWS-K5).
type quotaState struct {
	first  time.Time // start of the first period (offset applies)
	period time.Time // start of the current period
	used   int
}

func newUsage(g *config.Gateway) *usage {
	u := &usage{source: g.AWS.APIKeySourceOf(), stage: g.AWS.StageOf(),
		byValue: map[string]*config.APIKey{}, planOf: map[string]*planState{}}
	for _, k := range g.AWS.APIKeys {
		if k.Value != "" {
			u.byValue[k.Value] = k
		}
	}
	for _, p := range g.AWS.UsagePlans {
		covers := false
		for _, s := range g.AWS.PlanStages(p) {
			covers = covers || s == u.stage
		}
		if !covers {
			continue // its keys are invalid on this stage (AWS-K1)
		}
		ps := &planState{cfg: p, buckets: map[string]*bucket{}, quotas: map[string]*quotaState{}}
		for _, k := range p.Keys {
			if _, taken := u.planOf[k]; !taken { // validate refuses a second plan per stage (AWS-K7)
				u.planOf[k] = ps
			}
		}
	}
	return u
}

func usesAPIKey(p *pipeline) bool { return p.rt != nil && p.rt.cfg.APIKeyRequired }

// APIKeyID is a key's id ($context.identity.apiKeyId): its own, else ten
// characters derived from its name, like API Gateway's ids.
func APIKeyID(k *config.APIKey) string {
	if k.ID != "" {
		return k.ID
	}
	sum := sha1.Sum([]byte("apikey:" + k.Name))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	for i := range b {
		b[i] = alpha[int(sum[i])%len(alpha)]
	}
	return string(b)
}

// awsAnswer is a REST API gateway response with its default body,
// {"message":MESSAGE}, and x-amzn-ErrorType (AWS-G1, AWS-G2). respType is
// the response type a customisation would be keyed by.
func awsAnswer(respType, rule, reason string, status int, errorType, message string) *Failure {
	msg, _ := marshalEvent(message) // no HTML escaping: a query's & stays &
	fl := jsonFailure("", rule, reason, status, `{"message":`+string(msg)+`}`, "x-amzn-ErrorType", errorType)
	fl.Reason += " [" + respType + "]"
	// The failure-response stage applies aws.gatewayResponses (AWS-G4).
	fl.ResponseType, fl.Message = respType, &message
	return fl
}

func invalidAPIKey(rule, reason string) *Failure {
	return awsAnswer("INVALID_API_KEY", rule, reason, 403, "ForbiddenException", "Forbidden")
}

// apiKey finds the request's key and checks it (AWS-K1, AWS-K2).
func (p *pipeline) apiKey() {
	st, start := p.stage(trace.APIKey)
	defer p.done(st, start)
	u := p.g.usage
	var value string
	switch u.source {
	case "AUTHORIZER":
		st.Rule("AWS-K2")
		st.Add("source", "AUTHORIZER: the Lambda authorizer's usageIdentifierKey")
		if p.dec != nil {
			value = p.dec.UsageIdentifierKey
		}
		if value == "" {
			p.failed(st, invalidAPIKey("AWS-K2", "the authorizer answered no usageIdentifierKey, and the method requires an API key: 403"))
			return
		}
	default:
		st.Rule("AWS-K1")
		st.Add("source", "HEADER: x-api-key")
		value = p.f.Req.Header.Get("X-Api-Key")
		if value == "" {
			p.failed(st, invalidAPIKey("AWS-K1", "no x-api-key header, and the method requires an API key: 403"))
			return
		}
	}
	p.f.Trace.AddSecret(value)
	st.Add("key", value)
	k := u.byValue[value]
	switch {
	case k == nil:
		p.failed(st, invalidAPIKey(st.Rules[0], "the key is not an API key of this API: 403"))
		return
	case !k.IsEnabled():
		st.Add("name", k.Name)
		p.failed(st, invalidAPIKey(st.Rules[0], fmt.Sprintf("API key %q is disabled: 403", k.Name)))
		return
	case u.planOf[k.Name] == nil:
		st.Add("name", k.Name)
		p.failed(st, invalidAPIKey(st.Rules[0], fmt.Sprintf("API key %q is in no usage plan of stage %s: 403", k.Name, u.stage)))
		return
	}
	id := APIKeyID(k)
	p.f.SetIdentity("apiKey", value)
	p.f.SetIdentity("apiKeyId", id)
	st.Add("name", k.Name).Add("apiKeyId", id).Add("usagePlan", u.planOf[k.Name].cfg.Name)
	st.Rule("AWS-K6")
	st.Summary = fmt.Sprintf("API key %q of usage plan %q", k.Name, u.planOf[k.Name].cfg.Name)
}

// usagePlan applies the key's plan: throttle, then quota (AWS-K4, AWS-K5).
func (p *pipeline) usagePlan() {
	st, start := p.stage(trace.UsagePlan)
	defer p.done(st, start)
	u := p.g.usage
	k := u.byValue[p.f.Identity["apiKey"]]
	ps := u.planOf[k.Name]
	now := p.f.Now
	st.Add("plan", ps.cfg.Name).Add("key", k.Name)
	u.mu.Lock()
	defer u.mu.Unlock()

	methodKey := p.f.Template + "/" + p.f.Req.Method // /pets/{id}/GET, //GET for the root
	th, thName := ps.cfg.Throttle, "plan throttle"
	if mt := ps.methodThrottle(methodKey, p.f.Req.Method); mt != nil {
		th, thName = mt, "method throttle "+methodKey
	}
	var parts []string
	if th != nil && th.RateLimit != nil && th.BurstLimit != nil {
		rate, burst := *th.RateLimit, float64(*th.BurstLimit)
		bk := k.Name + " " + thName
		b := ps.buckets[bk]
		if b == nil {
			b = &bucket{tokens: burst, last: now}
			ps.buckets[bk] = b
		}
		if el := now.Sub(b.last).Seconds(); el > 0 {
			b.tokens = math.Min(burst, b.tokens+el*rate)
		}
		b.last = now
		st.Rule("AWS-K4")
		st.Add("throttle", fmt.Sprintf("%s: rate %g/s, burst %d", thName, rate, *th.BurstLimit))
		if b.tokens < 1 {
			wait := "never (rateLimit 0)"
			if rate > 0 {
				wait = (time.Duration((1 - b.tokens) / rate * float64(time.Second))).Round(time.Millisecond).String()
			}
			st.Add("bucket", fmt.Sprintf("%.2f token(s); next in %s", b.tokens, wait))
			p.failed(st, awsAnswer("THROTTLED", "AWS-K4", fmt.Sprintf("key %q throttled by %s (rate %g/s, burst %d): 429", k.Name, thName, rate, *th.BurstLimit),
				429, "TooManyRequestsException", "Too Many Requests"))
			return
		}
		b.tokens--
		st.Add("bucket", fmt.Sprintf("%.2f token(s) left", b.tokens))
		parts = append(parts, fmt.Sprintf("%d burst token(s) left", int(b.tokens)))
	}
	if q := ps.cfg.Quota; q != nil && q.Limit > 0 {
		st.Rule("AWS-K5")
		qs := ps.quotas[k.Name]
		start := periodStart(now, q.Period)
		if qs == nil {
			qs = &quotaState{first: start, period: start}
			ps.quotas[k.Name] = qs
		}
		if !qs.period.Equal(start) {
			st.Add("quotaReset", fmt.Sprintf("new %s period since %s: %d request(s) of the last one forgotten", q.Period, start.Format(time.RFC3339), qs.used))
			qs.period, qs.used = start, 0
		}
		limit := q.Limit
		if qs.period.Equal(qs.first) {
			limit -= q.Offset
		}
		next := periodEnd(start, q.Period)
		st.Add("quota", fmt.Sprintf("%d per %s, period %s to %s", limit, q.Period, start.Format(time.RFC3339), next.Format(time.RFC3339)))
		if qs.used >= limit {
			st.Add("remaining", "0")
			p.failed(st, awsAnswer("QUOTA_EXCEEDED", "AWS-K5", fmt.Sprintf("key %q used its %d request(s) of this %s (resets %s): 429", k.Name, limit, q.Period, next.Format(time.RFC3339)),
				429, "LimitExceededException", "Limit Exceeded"))
			return
		}
		qs.used++
		st.Add("remaining", fmt.Sprint(limit-qs.used))
		parts = append(parts, fmt.Sprintf("quota %d/%d used this %s, %d remaining", qs.used, limit, strings.ToLower(q.Period), limit-qs.used))
	}
	if len(parts) == 0 {
		st.Summary = fmt.Sprintf("plan %q sets no throttle or quota", ps.cfg.Name)
		return
	}
	st.Summary = strings.Join(parts, "; ")
}

// methodThrottle is the plan's throttle for this method, keyed as AWS
// writes it (/pets/{id}/GET; a * method covers every method).
func (ps *planState) methodThrottle(key, method string) *config.Throttle {
	if t, ok := ps.cfg.MethodThrottle[key]; ok {
		return t
	}
	keys := make([]string, 0, len(ps.cfg.MethodThrottle))
	for k := range ps.cfg.MethodThrottle {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.EqualFold(k, key) || strings.EqualFold(k, strings.TrimSuffix(key, method)+"*") {
			return ps.cfg.MethodThrottle[k]
		}
	}
	return nil
}

// periodStart is the start of the calendar period holding t, in UTC: a day
// from 00:00, a week from Sunday, a month from the 1st (AWS-K5).
func periodStart(t time.Time, period string) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch period {
	case "WEEK":
		return day.AddDate(0, 0, -int(day.Weekday()))
	case "MONTH":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

func periodEnd(start time.Time, period string) time.Time {
	switch period {
	case "WEEK":
		return start.AddDate(0, 0, 7)
	case "MONTH":
		return start.AddDate(0, 1, 0)
	}
	return start.AddDate(0, 0, 1)
}
