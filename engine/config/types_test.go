package config_test

// The engine registers every authorizer type with the loader (each
// dialect declares its keys and checks): the loader tests need them.
import _ "github.com/authlab/authlab/engine"
