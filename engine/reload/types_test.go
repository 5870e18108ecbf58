package reload

// The engine registers the authorizer types with the loader.
import _ "github.com/authlab/authlab/engine"
