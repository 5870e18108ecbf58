package backend

import (
	"net/http"

	"github.com/go-resty/resty/v2"
)

// NoRedirects hands a 3xx back as the response instead of following it:
// a gateway passes redirects to its client, it does not chase them.
// (resty's NoRedirectPolicy turns a redirect into an error instead.)
var NoRedirects = resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
})
