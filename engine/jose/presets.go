package jose

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Presets are the claim sets a token can start from: the claims an
// identity provider writes, so a minted token looks like the real thing.
var Presets = []string{"cognito-id", "cognito-access"}

// PresetOptions fill a preset's claims.
type PresetOptions struct {
	// UserPool is a Cognito user pool id, REGION_ID (eu-west-1_AbC123):
	// iss is https://cognito-idp.REGION.amazonaws.com/POOL.
	UserPool string
	// ClientID is the app client: aud of an ID token, client_id of an
	// access token.
	ClientID string
	// Username is cognito:username (ID) or username (access); default "user".
	Username string
	// Now is auth_time.
	Now time.Time
}

// PresetClaims returns a preset's claims. Claims the caller gives (sub,
// scope, exp...) are layered on top by the caller.
//
// cognito-id: sub, iss, aud, token_use "id", auth_time, cognito:username,
// event_id, origin_jti. cognito-access: sub, iss, client_id, token_use
// "access", scope "aws.cognito.signin.user.admin", auth_time, username,
// event_id, origin_jti — the claims Cognito puts in each.
func PresetClaims(name string, o PresetOptions) (map[string]any, error) {
	if name != "cognito-id" && name != "cognito-access" {
		return nil, fmt.Errorf("unknown preset %q; expected one of %s", name, strings.Join(Presets, ", "))
	}
	region, _, ok := strings.Cut(o.UserPool, "_")
	if o.UserPool == "" || !ok || region == "" {
		return nil, fmt.Errorf("preset %s needs the user pool id, REGION_ID (e.g. eu-west-1_AbCdEf123): its iss is https://cognito-idp.REGION.amazonaws.com/POOL", name)
	}
	if o.ClientID == "" {
		return nil, fmt.Errorf("preset %s needs the app client id (the %s claim)", name, map[string]string{"cognito-id": "aud", "cognito-access": "client_id"}[name])
	}
	user := o.Username
	if user == "" {
		user = "user"
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := map[string]any{
		"sub":        uuidOf("sub", o.UserPool, user),
		"iss":        "https://cognito-idp." + region + ".amazonaws.com/" + o.UserPool,
		"auth_time":  now.Unix(),
		"event_id":   uuidOf("event", o.UserPool, user, now.String()),
		"origin_jti": uuidOf("origin", o.UserPool, user, now.String()),
	}
	if name == "cognito-id" {
		c["aud"], c["token_use"], c["cognito:username"] = o.ClientID, "id", user
	} else {
		c["client_id"], c["token_use"], c["username"], c["scope"] = o.ClientID, "access", user, "aws.cognito.signin.user.admin"
	}
	return c, nil
}

// uuidOf makes a stable UUID-shaped id from parts, so the same user in
// the same pool keeps the same sub.
func uuidOf(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-5" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
