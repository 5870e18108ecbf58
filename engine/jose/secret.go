package jose

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine/limits"
)

// NewSecretKey wraps an HMAC secret; source labels it in messages ("--secret").
func NewSecretKey(secret []byte, source string) *Key {
	return &Key{Type: KeyOct, Secret: secret, Source: source, Format: "secret"}
}

// SecretFromFile reads an HMAC secret from a file. One trailing newline is
// dropped because editors and `echo` add it and nobody means it; a secret
// that must end in a newline can be given with SecretFromBase64.
func SecretFromFile(path string) (*Key, error) {
	data, err := limits.ReadFile(path, "secret file", limits.MaxKeyBytes)
	if limits.IsTooLarge(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading secret: %w", err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if s == "" {
		return nil, fmt.Errorf("%s: the secret file is empty", path)
	}
	return NewSecretKey([]byte(s), path), nil
}

// SecretFromBase64 decodes a base64 secret, standard or URL alphabet, padded
// or not: people paste it from wherever their identity provider shows it.
func SecretFromBase64(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	b, err := decodeBase64Lenient(s)
	if err != nil {
		return nil, fmt.Errorf("--secret-base64: %w", err)
	}
	if len(b) == 0 {
		return nil, errors.New("--secret-base64: the secret is empty")
	}
	return NewSecretKey(b, "--secret-base64"), nil
}

// decodeBase64Lenient accepts both alphabets with or without padding. It is
// for keys and secrets only; token parts are decoded strictly (Decode).
func decodeBase64Lenient(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	return b, nil
}
