package engine

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/policy"
	"github.com/authlab/authlab/engine/sigv4"
	"github.com/authlab/authlab/engine/trace"
)

// awsIAM is a REST API method with authorizationType AWS_IAM (semantics
// AWS-S*): the request must be SigV4-signed for execute-api in the API's
// region by credentials of aws.credentials, whose policies must allow
// execute-api:Invoke on the methodArn. authlab never calls AWS.
type awsIAM struct {
	rest    *awsREST // methodArn
	creds   map[string]*iamCredential
	service string
}

type iamCredential struct {
	cfg      *config.Credential
	arn      string
	account  string
	caller   string
	expires  time.Time
	policies []*policy.Document
}

// maxSkew is how far X-Amz-Date may be from the gateway's clock (AWS-S6).
const maxSkew = 5 * time.Minute

func newAWSIAM(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	info := awsOf(g)
	d := &awsIAM{rest: &awsREST{aws: info}, creds: map[string]*iamCredential{}, service: "execute-api"}
	for _, c := range g.AWS.Credentials {
		ic := &iamCredential{cfg: c, arn: c.ARN, account: c.AccountID, caller: c.Caller}
		if ic.arn == "" {
			ic.arn = "arn:aws:iam::" + info.account + ":user/" + c.Name
		}
		if ic.account == "" {
			if parts := strings.Split(ic.arn, ":"); len(parts) > 4 && parts[4] != "" {
				ic.account = parts[4]
			} else {
				ic.account = info.account
			}
		}
		if ic.caller == "" {
			ic.caller = principalID(c, ic.arn)
		}
		var err error
		if ic.expires, err = c.ExpiresAt(); err != nil {
			return nil, fmt.Errorf("credentials %s: expiration: %w", c.Name, err)
		}
		for i, doc := range c.Policies {
			raw, _ := json.Marshal(doc)
			p, err := policy.Parse(raw)
			if err != nil {
				return nil, fmt.Errorf("credentials %s: policy %d: %w", c.Name, i+1, err)
			}
			ic.policies = append(ic.policies, p)
		}
		d.creds[c.Name] = ic
	}
	return d, nil
}

// principalID makes a stable caller id: AIDA... for a user, AROA...:SESSION
// for an assumed role (AWS-S8).
func principalID(c *config.Credential, arn string) string {
	sum := sha1.Sum([]byte(c.Name))
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 17)
	for i := range b {
		b[i] = alpha[int(sum[i%len(sum)])%len(alpha)]
	}
	if strings.Contains(arn, ":assumed-role/") {
		parts := strings.Split(arn, "/")
		return "AROA" + string(b) + ":" + parts[len(parts)-1]
	}
	return "AIDA" + string(b)
}

func (d *awsIAM) DefaultTTL() time.Duration { return 0 }

// IAM answers (AWS-S2..S7, AWS-G1).
func iamMissingToken(reason string) *Failure {
	return awsAnswer("MISSING_AUTHENTICATION_TOKEN", "AWS-S2", reason, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
}

func iamIncomplete(reason, message string) *Failure {
	return awsAnswer("MISSING_AUTHENTICATION_TOKEN", "AWS-S3", reason, 403, "IncompleteSignatureException", message)
}

func iamInvalidSignature(rule, reason, message string) *Failure {
	return awsAnswer("INVALID_SIGNATURE", rule, reason, 403, "InvalidSignatureException", message)
}

func iamInvalidToken(reason string) *Failure {
	return awsAnswer("INVALID_SIGNATURE", "AWS-S4", reason, 403, "AccessDeniedException", "The security token included in the request is invalid.")
}

func (d *awsIAM) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	st.Add("methodArn", d.rest.methodArn(f))
	v := f.Req.Header.Get("Authorization")
	if v == "" {
		st.Rule("AWS-S2")
		return Identity{Missing: true}, iamMissingToken("no Authorization header: the AWS_IAM method needs a SigV4 signature: 403")
	}
	st.Add("header:Authorization", v)
	st.Rule("AWS-S1")
	st.Summary = "SigV4 Authorization header present"
	return Identity{Values: []string{v}, Secrets: nil}, nil
}

// iamResult is what a verified signature establishes (AWS-S8).
type iamResult struct {
	keyID, arn, account, caller string
	policies                    []*policy.Document
}

func (r iamResult) Describe() string {
	return fmt.Sprintf("IAM caller %s, %d policy document(s)", r.arn, len(r.policies))
}

// Decide verifies the signature: parse (AWS-S3), key (AWS-S4), session
// token, clock (AWS-S6), then the signature itself (AWS-S5).
func (d *awsIAM) Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure) {
	req := f.Req
	at, rawDate, dateErr := sigv4.RequestTime(req.Header)
	a, perr := sigv4.Parse(id.Values[0], rawDate != "")
	if perr != nil {
		st.Rule("AWS-S3")
		st.Summary = "unreadable Authorization header"
		return nil, iamIncomplete("the Authorization header is not a SigV4 header: 403 IncompleteSignatureException", perr.Message)
	}
	st.Add("credential", a.KeyID+"/"+a.Scope()).Add("signedHeaders", strings.Join(a.SignedHeaders, ";"))
	if dateErr != nil {
		st.Rule("AWS-S3")
		return nil, iamIncomplete("X-Amz-Date is not an ISO 8601 basic time", "Date must be in ISO-8601 'basic format'. Got '"+rawDate+"'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	c := d.creds[a.KeyID]
	if c == nil {
		st.Rule("AWS-S4")
		st.Summary = fmt.Sprintf("unknown access key id %s", a.KeyID)
		return nil, iamInvalidToken(fmt.Sprintf("access key id %s is not in aws.credentials: 403", a.KeyID))
	}
	token := req.Header.Get("X-Amz-Security-Token")
	switch {
	case c.cfg.SessionToken == "" && token != "":
		st.Rule("AWS-S4")
		return nil, iamInvalidToken(fmt.Sprintf("X-Amz-Security-Token sent, but %s are long-term credentials: 403", a.KeyID))
	case c.cfg.SessionToken != "" && token != c.cfg.SessionToken:
		st.Rule("AWS-S4")
		why := "X-Amz-Security-Token is missing"
		if token != "" {
			why = "X-Amz-Security-Token is not the session token of " + a.KeyID
		}
		return nil, iamInvalidToken(why + ": 403")
	case !c.expires.IsZero() && !f.Now.Before(c.expires):
		st.Rule("AWS-S6")
		st.Summary = "the session token expired at " + c.expires.Format(time.RFC3339)
		return nil, awsAnswer("EXPIRED_TOKEN", "AWS-S6", "the temporary credentials expired at "+c.expires.Format(time.RFC3339)+": 403",
			403, "ExpiredTokenException", "The security token included in the request is expired")
	}
	// The credential scope: its date, the API's region, execute-api (AWS-S1).
	st.Rule("AWS-S1")
	if a.Date != at.UTC().Format("20060102") {
		return nil, iamInvalidSignature("AWS-S5", "the credential scope's date is not the request's date: 403",
			fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.Date, at.UTC().Format("20060102"), at.UTC().Format(sigv4.TimeFormat)))
	}
	if a.Region != d.rest.aws.region {
		return nil, iamInvalidSignature("AWS-S5", fmt.Sprintf("signed for region %s, the API is in %s: 403", a.Region, d.rest.aws.region),
			fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", a.Region))
	}
	if a.Service != d.service {
		return nil, iamInvalidSignature("AWS-S5", fmt.Sprintf("signed for service %s, not execute-api: 403", a.Service),
			"Credential should be scoped to correct service: 'execute-api'. ")
	}
	if a.Terminator != "aws4_request" {
		return nil, iamInvalidSignature("AWS-S5", "the credential scope does not end in aws4_request: 403",
			fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", a.Terminator))
	}
	// The clock, against the gateway's (virtual) time (AWS-S6).
	st.Add("signedAt", at.UTC().Format(time.RFC3339)).Add("now", f.Now.UTC().Format(time.RFC3339))
	now := f.Now.UTC()
	if at.Before(now.Add(-maxSkew)) {
		st.Rule("AWS-S6")
		st.Summary = fmt.Sprintf("signed %s ago: more than 5 minutes", now.Sub(at).Round(time.Second))
		return nil, iamInvalidSignature("AWS-S6", st.Summary+": 403",
			fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", at.UTC().Format(sigv4.TimeFormat), now.Add(-maxSkew).Format(sigv4.TimeFormat), now.Format(sigv4.TimeFormat)))
	}
	if at.After(now.Add(maxSkew)) {
		st.Rule("AWS-S6")
		st.Summary = fmt.Sprintf("signed %s in the future: more than 5 minutes", at.Sub(now).Round(time.Second))
		return nil, iamInvalidSignature("AWS-S6", st.Summary+": 403",
			fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", at.UTC().Format(sigv4.TimeFormat), now.Add(maxSkew).Format(sigv4.TimeFormat), now.Format(sigv4.TimeFormat)))
	}
	// The signature (AWS-S5).
	st.Rule("AWS-S5")
	sr := &sigv4.Request{Method: req.Method, RawPath: req.RawPath, RawQuery: req.rawQuery(), Host: req.Host, Header: req.Header, Body: req.Body}
	if sr.RawPath == "" {
		sr.RawPath = req.Path
	}
	canon := sigv4.Compute(sr, a, at.UTC().Format(sigv4.TimeFormat), c.cfg.Secret)
	st.Add("canonicalRequest", canon.Request).Add("stringToSign", canon.StringToSign)
	if !sigv4.Equal(canon.Signature, a.Signature) {
		st.Summary = "the signature does not match"
		return nil, iamInvalidSignature("AWS-S5", "the signature does not match the request (see canonicalRequest and stringToSign): 403",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"+
				"The Canonical String for this request should have been\n'"+canon.Request+"'\n\n"+
				"The String-to-Sign should have been\n'"+canon.StringToSign+"'\n")
	}
	res := iamResult{keyID: a.KeyID, arn: c.arn, account: c.account, caller: c.caller, policies: c.policies}
	st.Summary = "signature verified for " + c.arn
	return &Decision{Principal: c.arn, Policy: res, IssuedFor: d.rest.methodArn(f)}, nil
}

// Authorize evaluates the caller's identity-based policies against the
// methodArn (AWS-S7) and fills $context.identity (AWS-S8).
func (d *awsIAM) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	r := dec.Policy.(iamResult)
	arn := d.rest.methodArn(f)
	st.Rule("AWS-S7")
	st.Add("caller", r.arn).Add("methodArn", arn)
	explicit, allowed := false, false
	for i, doc := range r.policies {
		v := doc.Evaluate(arn)
		if v.By != nil {
			st.Add(fmt.Sprintf("policies[%d]", i), fmt.Sprintf("Statement[%d] %s", v.By.Index, v.By.Effect))
		}
		explicit = explicit || v.Explicit
		allowed = allowed || v.Allowed
	}
	switch {
	case explicit:
		st.Summary = "an identity policy explicitly denies execute-api:Invoke on " + arn
		return awsAnswer("ACCESS_DENIED", "AWS-S7", st.Summary+": 403", 403, "AccessDeniedException",
			"User: "+r.arn+" is not authorized to perform: execute-api:Invoke on resource: "+arn+" with an explicit deny")
	case !allowed:
		st.Summary = "no identity policy allows execute-api:Invoke on " + arn
		return awsAnswer("ACCESS_DENIED", "AWS-S7", st.Summary+": 403", 403, "AccessDeniedException",
			"User: "+r.arn+" is not authorized to perform: execute-api:Invoke on resource: "+arn+" because no identity-based policy allows the execute-api:Invoke action")
	}
	st.Rule("AWS-S8")
	for _, kv := range [][2]string{{"accessKey", r.keyID}, {"accountId", r.account}, {"caller", r.caller}, {"user", r.caller}, {"userArn", r.arn}} {
		f.SetIdentity(kv[0], kv[1])
		st.Add("identity."+kv[0], kv[1])
	}
	st.Summary = "allowed: " + r.arn + " may invoke " + arn
	return nil
}

// Inject drops the signed Authorization header before the integration
// (AWS-S8).
func (d *awsIAM) Inject(dec *Decision, h http.Header) []trace.Change {
	old := h.Values("Authorization")
	if len(old) == 0 {
		return nil
	}
	h.Del("Authorization")
	return []trace.Change{{Target: "header", Op: "removed", Name: "Authorization", Old: old, Note: "a SigV4 Authorization header is dropped before the integration (AWS-S8)"}}
}

// SignRequest signs req as credentials keyID of g would (fire --sigv4, the
// TUI composer, scenario steps): SigV4 for execute-api in the API's region,
// at t, with the AWS SDK for Go's signer.
func SignRequest(ctx context.Context, g *config.Gateway, req *Request, keyID string, t time.Time) error {
	c := g.AWS.Credential(keyID)
	if c == nil {
		var ids []string
		for _, c := range g.AWS.Credentials {
			ids = append(ids, c.Name)
		}
		return fmt.Errorf("no credentials %q under aws.credentials (defined: %s)", keyID, config.ListOrNone(ids))
	}
	return SignWith(ctx, req, sigv4.Credentials{AccessKeyID: c.Name, SecretAccessKey: c.Secret, SessionToken: c.SessionToken}, awsOf(g).region, t)
}

// SignWith signs req with the given credentials for execute-api in region.
func SignWith(ctx context.Context, req *Request, c sigv4.Credentials, region string, t time.Time) error {
	raw := req.RawPath
	if raw == "" {
		raw = req.Path
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	sr := &sigv4.Request{Method: req.Method, RawPath: raw, RawQuery: req.rawQuery(), Host: req.Host, Header: req.Header, Body: req.Body}
	if err := sigv4.Sign(ctx, sr, c, region, "execute-api", t); err != nil {
		return err
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
		if v := sr.Header.Get(h); v != "" {
			req.Header.Del(h)
			req.AddHeader(h, v)
		}
	}
	req.Host = sr.Host
	return nil
}

// The REST API AWS_IAM authorization (AWS-S*).
var _ = register(&Spec{Rank: 60, Type: "aws-iam", New: newAWSIAM, CacheRules: [2]string{"AWS-S1", "AWS-S1"},
	Fixture: "aws-iam.yaml",
	Config:  config.TypeSpec{Platform: "aws", Validate: validateAWSIAM}})

func validateAWSIAM(c *config.Check) {
	if len(c.Gateway().AWS.Credentials) == 0 {
		c.Warn("", "AWS-S4", "authorizer %q checks SigV4 signatures, but the file defines no aws.credentials: every signed request answers 403 (unknown access key)", c.A.Name)
	}
}
